import { spawn } from 'node:child_process';
import { constants as C } from 'node:fs';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LifeboatError } from '../../domain/index.js';
import { openNoFollow } from './safe-fs.js';

/** The whole environment of a decoding tool: where system programs live, and a locale. */
const TOOL_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' };

export type DumpEncoding = 'sql' | 'sql.gz' | 'pg-custom';

/** What a dump file holds, from its first bytes rather than its name. */
export async function sniffDump(file: string): Promise<DumpEncoding> {
  const fh = await openNoFollow(file, C.O_RDONLY);
  try {
    const head = Buffer.alloc(5);
    await fh.read(head, 0, 5, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return 'sql.gz';
    if (head.toString('latin1') === 'PGDMP') return 'pg-custom';
    return 'sql';
  } finally {
    await fh.close();
  }
}

/**
 * The dump's SQL text as a stream, whatever its encoding: gzip is inflated, and a
 * pg_dump custom archive is turned into SQL by pg_restore (it is the only reader of
 * that format that stays correct across PostgreSQL versions).
 */
/** onRead sees every raw byte of the file as it is read (not for pg_dump archives, which pg_restore reads itself). */
export async function openDumpText(file: string, onRead?: (chunk: Buffer) => void): Promise<Readable> {
  const encoding = await sniffDump(file);
  // Opened once and without following links: what is read is the file that was listed, never a link's target.
  const fh = await openNoFollow(file, C.O_RDONLY);
  const raw = (): Readable => {
    const s = fh.createReadStream({ highWaterMark: 1 << 20 });
    if (!onRead) return s;
    // Counted in a pipe, not with a 'data' listener: that would start the flow before the reader is ready.
    const counted = new Transform({
      transform(c: Buffer, _enc, cb) {
        onRead(c);
        cb(null, c);
      },
    });
    s.on('error', (err) => counted.destroy(err));
    // A reader that stops early (a refused dump) destroys what it holds: the file closes now, not at GC.
    counted.on('close', () => s.destroy());
    return s.pipe(counted);
  };
  if (encoding === 'sql') return raw();
  if (encoding === 'sql.gz') {
    const source = raw();
    const inflated = source.pipe(createGunzip());
    // A read error or a truncated archive must fail the consumer, not just end the text early.
    source.on('error', (err) => inflated.destroy(err));
    inflated.on('close', () => source.destroy());
    return inflated;
  }
  // pg_restore only decodes here (it connects nowhere); it runs with a fixed minimal
  // environment so none of lifeboat's secrets reach it.
  // The archive reaches pg_restore as its stdin, the descriptor opened above: pg_restore never looks a path up.
  const child = spawn('pg_restore', ['--file=-'], { stdio: [fh.fd, 'pipe', 'pipe'], env: TOOL_ENV });
  child.on('spawn', () => void fh.close());
  child.on('error', () => void fh.close());
  // The text ends only once pg_restore has exited cleanly, so a failure is never mistaken for a short dump.
  const text = new PassThrough();
  child.stdout!.pipe(text, { end: false });
  // Its last words are what explain a failure: keep the end of stderr, bounded.
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8192)));
  child.on('error', (err) => text.destroy(new LifeboatError('DUMP_UNPARSEABLE', `cannot run pg_restore to read ${file}: ${err.message}`, { cause: err })));
  child.on('close', (code) => {
    if (code === 0) text.end();
    else text.destroy(new LifeboatError('DUMP_UNPARSEABLE', `pg_restore could not read ${file}: ${stderr.trim() || `exit ${code}`}`));
  });
  text.on('close', () => child.kill());
  return text;
}
