import { spawn } from 'node:child_process';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { silentLogger } from '../../src/domain/logger.js';
import { createFsLedger } from '../../src/ledger/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const open = (dir: string) => createFsLedger({ dir, clock: systemClock, logger: silentLogger });

async function filled(n: number) {
  const dir = await tmp();
  const ledger = open(dir);
  for (let i = 1; i <= n; i++) await ledger.append({ type: 'test', subject: `s${i}`, data: { i } });
  return { dir, ledger, file: path.join(dir, 'ledger.jsonl') };
}

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

describe('filesystem ledger', () => {
  it('chains records and verifies clean', async () => {
    const { ledger } = await filled(5);
    const all = [];
    for await (const r of ledger.records()) all.push(r);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(all[1]!.prev).toBe(all[0]!.hash);
    expect(await ledger.verify()).toMatchObject({ ok: true, records: 5, headSeq: 5 });
  });

  it('keeps one chain when appends race inside one process', async () => {
    const { ledger } = await filled(0);
    await Promise.all(Array.from({ length: 50 }, (_, i) => ledger.append({ type: 'race', subject: 'x', data: { i } })));
    expect(await ledger.verify()).toMatchObject({ ok: true, records: 50 });
  });

  it('keeps one chain when three processes append at once', async () => {
    const dir = await tmp();
    const script = `
      import { createFsLedger } from ${JSON.stringify(path.join(REPO_ROOT, 'dist/src/ledger/index.js'))};
      const l = createFsLedger({ dir: process.argv[1], clock: { now: () => new Date() }, logger: { warn() {}, info() {}, debug() {}, error() {}, child() { return this; } } });
      for (let i = 0; i < 40; i++) await l.append({ type: 'proc', subject: String(process.pid), data: { i } });
    `;
    const run = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: 'inherit' });
        child.on('close', resolve);
      });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    expect(await open(dir).verify()).toMatchObject({ ok: true, records: 120 });
  });

  it('sets a torn last record aside on the next append, and says so', async () => {
    const { dir, file } = await filled(3);
    await appendFile(file, '{"seq":4,"at":"2026-11-22T00:00:00Z","type":"test","subj');
    const before = await open(dir).verify();
    expect(before.ok).toBe(true);
    expect(before.notes.join()).toMatch(/line 4 is a torn record/);

    const ledger = open(dir);
    const r = await ledger.append({ type: 'after-crash', subject: 'x', data: {} });
    const after = await ledger.verify();
    expect(after).toMatchObject({ ok: true, records: 5 });
    expect(r.seq).toBe(5);
    const all = (await lines(file)).map((l) => JSON.parse(l) as { type: string; data: { savedAs?: string } });
    expect(all[3]!.type).toBe('ledger.torn-record-set-aside');
    const saved = await readdir(path.join(dir, 'torn'));
    expect(saved).toHaveLength(1);
    expect(await readFile(path.join(dir, 'torn', saved[0]!), 'utf8')).toContain('"subj');
    expect(after.notes.join()).toMatch(/1 torn fragment/);
  });

  it('completes a whole last record whose newline was cut', async () => {
    const { dir, file } = await filled(2);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, -1));
    const ledger = open(dir);
    await ledger.append({ type: 'next', subject: 'x', data: {} });
    expect(await ledger.verify()).toMatchObject({ ok: true, records: 3 });
  });

  it.each([
    ['edited', (ls: string[]) => (ls[2] = ls[2]!.replace('"i":3', '"i":33')), /line 3: edited/],
    ['deleted', (ls: string[]) => ls.splice(2, 1), /line 3: deleted: record #3 was deleted/],
    ['reordered', (ls: string[]) => ([ls[1], ls[2]] = [ls[2]!, ls[1]!]), /line 3: reordered: record #2/],
    ['inserted', (ls: string[]) => ls.splice(2, 0, ls[1]!.replace('"i":2', '"i":2')), /line 3: inserted: record #2/],
    ['cut off the end', (ls: string[]) => ls.splice(4, 1), /truncated: records after #4 up to #5 are missing/],
  ])('lets verify name a record %s', async (_name, tamper, expected) => {
    const { dir, file } = await filled(5);
    const ls = await lines(file);
    tamper(ls);
    await writeFile(file, ls.map((l) => `${l}\n`).join(''));
    const report = await open(dir).verify();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => `line ${p.position}: ${p.kind}: ${p.message}`).join('\n')).toMatch(expected);
  });
});

describe('filesystem ledger head', () => {
  it('a head.json that is not a seal fails verify and stops appends (a new head would hide it)', async () => {
    const { dir, ledger } = await filled(3);
    await writeFile(path.join(dir, 'head.json'), '{"seq":"lots"}');
    const report = await ledger.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'unreadable', position: 4, message: expect.stringMatching(/head\.json\) is there but is not a seal/) })]);
    await expect(ledger.append({ type: 't', subject: 'x', data: {} })).rejects.toMatchObject({ code: 'LEDGER_TAMPERED' });
  });
});

describe('filesystem ledger witness', () => {
  it('an append whose witness cannot be written still succeeds once (no duplicate on retry), logs it, and verify shows the witness behind', async () => {
    const dir = await tmp();
    let held: { seq: number; hash: string } | undefined;
    let failing = false;
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (_o: unknown, msg?: string) => void errors.push(String(msg)) };
    const witness = {
      where: 'flaky witness',
      read: async () => held,
      advance: async (seal: { seq: number; hash: string }) => {
        if (failing) throw new Error('disk full');
        held = seal;
      },
    };
    const ledger = createFsLedger({ dir, clock: systemClock, logger, sealing: { witness } });
    await ledger.append({ type: 't', subject: 'a', data: {} });
    failing = true;
    const r = await ledger.append({ type: 't', subject: 'b', data: {} });
    expect(r.seq).toBe(2);
    expect(errors.join()).toMatch(/the witness could not be written/);
    const report = await ledger.verify();
    expect(report).toMatchObject({ ok: true, records: 2 });
    expect(report.notes.join()).toMatch(/the witness holds #1, the ledger goes on to #2/);
  });
});

describe('filesystem ledger under a real crash', () => {
  it('survives SIGKILL of a writer mid-stream: earlier records intact, next append continues the chain', async () => {
    const dir = await tmp();
    const script = `
      import { createFsLedger } from ${JSON.stringify(path.join(REPO_ROOT, 'dist/src/ledger/index.js'))};
      const l = createFsLedger({ dir: process.argv[1], clock: { now: () => new Date() }, logger: { warn() {}, info() {}, debug() {}, error() {}, child() { return this; } } });
      const big = 'x'.repeat(200000);
      for (let i = 0; ; i++) { await l.append({ type: 'crash-test', subject: 'w', data: { i, big } }); if (i === 3) process.stdout.write('ready\\n'); }
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));

    const ledger = open(dir);
    const before = await ledger.verify();
    expect(before.ok).toBe(true);
    expect(before.records).toBeGreaterThanOrEqual(4);
    const next = await ledger.append({ type: 'after-kill', subject: 'x', data: {} });
    const after = await ledger.verify();
    expect(after.ok).toBe(true);
    expect(next.seq).toBe(after.headSeq);
    expect(after.records).toBeGreaterThan(before.records);
  });
});
