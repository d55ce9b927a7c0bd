import { spawn } from 'node:child_process';
import { constants as C } from 'node:fs';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LifeboatError } from '../../domain/index.js';
import { openNoFollow } from './safe-fs.js';

/** The whole environment of a decoding tool: where system programs live, and a locale. */
const TOOL_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' };

export type DumpEncoding = 'sql' | 'sql.gz' | 'pg-custom';

/** What a dump holds, from its first bytes rather than its name. */
export function sniffBytes(head: Buffer): DumpEncoding {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'sql.gz';
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg-custom';
  return 'sql';
}

/** What a dump file holds, from its first bytes rather than its name. */
export async function sniffDump(file: string): Promise<DumpEncoding> {
  const fh = await openNoFollow(file, C.O_RDONLY);
  try {
    const head = Buffer.alloc(5);
    await fh.read(head, 0, 5, 0);
    return sniffBytes(head);
  } finally {
    await fh.close();
  }
}

/** A dump that is not a file of its own: an object read through its region's store. */
export interface DumpSource {
  /** How messages name it. */
  readonly name: string;
  open(range?: { start?: number; end?: number }): Promise<Readable>;
}

/** The first `n` bytes of a source (fewer when it is shorter). */
export async function headOf(src: DumpSource, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await src.open({ start: 0, end: n - 1 })) chunks.push(c as Buffer);
  return Buffer.concat(chunks).subarray(0, n);
}

/**
 * The dump's SQL text as a stream, whatever its encoding: gzip is inflated, and a
 * pg_dump custom archive is turned into SQL by pg_restore (it is the only reader of
 * that format that stays correct across PostgreSQL versions). A file is opened once
 * without following links; an object is read through its store.
 */
/** onRead sees every raw byte of the dump as it is read (not for pg_dump archives, which pg_restore reads itself). */
export async function openDumpText(dump: string | DumpSource, onRead?: (chunk: Buffer) => void): Promise<Readable> {
  const src = typeof dump === 'string' ? undefined : dump;
  const file = typeof dump === 'string' ? dump : dump.name;
  const encoding = src ? sniffBytes(await headOf(src, 5)) : await sniffDump(file);
  // Opened once and without following links: what is read is the file that was listed, never a link's target.
  const fh = src ? undefined : await openNoFollow(file, C.O_RDONLY);
  const stream = src ? await src.open() : undefined;
  const raw = (): Readable => {
    const s: Readable = stream ?? fh!.createReadStream({ highWaterMark: 1 << 20 });
    if (!onRead) return s;
    // Counted in a pipe, not with a 'data' listener: that would start the flow before the reader is ready.
    const counted = new Transform({
      transform(c: Buffer, _enc, cb) {
        onRead(c);
        cb(null, c);
      },
    });
    s.on('error', (err: Error) => counted.destroy(err));
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
  // The archive reaches pg_restore as its stdin (the descriptor opened above, or a pipe the object is streamed
  // into): pg_restore never looks a path up.
  // The text ends only once pg_restore has exited cleanly, so a failure is never mistaken for a short dump.
  const text = new PassThrough();
  const child = spawn('pg_restore', ['--file=-'], { stdio: [fh ? fh.fd : 'pipe', 'pipe', 'pipe'], env: TOOL_ENV });
  if (fh) {
    child.on('spawn', () => void fh.close());
    child.on('error', () => void fh.close());
  } else {
    // A pg_restore that stops reading early (it failed) closes its stdin: that is its exit's to report, not the pipe's.
    stream!.pipe(child.stdin!).on('error', () => undefined);
    stream!.on('error', (err: Error) => {
      text.destroy(err);
      child.kill();
    });
    child.on('close', () => stream!.destroy());
  }
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
