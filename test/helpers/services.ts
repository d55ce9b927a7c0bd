import { existsSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** A server the integration and e2e tests need, how to tell it is up, and how to start it (the commands .ci/run uses). */
export interface Service {
  name: string;
  host: string;
  port: number;
  start: string;
  probe(host: string, port: number): Promise<void>;
}

const redisPing = (host: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    const s = net.connect({ host, port });
    s.setTimeout(3_000, () => s.destroy(new Error('no answer within 3 s')));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d: Buffer) => {
      s.end();
      if (d.toString().startsWith('+PONG')) resolve();
      else reject(new Error(`answered ${JSON.stringify(d.toString().trim())} to PING`));
    });
    s.on('error', reject);
    s.on('close', () => reject(new Error('closed without answering')));
  });

export const SERVICES: Service[] = [
  {
    name: 'MariaDB',
    host: '127.0.0.1',
    port: 3306,
    start: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd (user root, empty password)',
    async probe(host, port) {
      const c = await mysql.createConnection({ host, port, user: 'root', connectTimeout: 3_000 });
      await c.end();
    },
  },
  {
    name: 'PostgreSQL',
    host: '127.0.0.1',
    port: 5432,
    start: 'pg_ctlcluster <version> main start (user postgres, trust auth)',
    async probe(host, port) {
      const c = new pg.Client({ host, port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 3_000 });
      c.on('error', () => undefined);
      await c.connect();
      await c.end();
    },
  },
  { name: 'Redis', host: '127.0.0.1', port: 6379, start: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379', probe: redisPing },
];

/** Connects to the service; throws a message naming it, where it was looked for, why it failed and how to start it. */
export async function requireService(s: Service, at: { host?: string; port?: number } = {}): Promise<void> {
  const host = at.host ?? s.host;
  const port = at.port ?? s.port;
  try {
    await s.probe(host, port);
  } catch (err) {
    const why = err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code || err.name : String(err);
    throw new Error(`${s.name} is not reachable at ${host}:${port} (${why}): start ${s.name} with \`${s.start}\` (see README, "Two commands")`);
  }
}

/** Every service at once, so one run names all that are missing. */
export async function requireServices(services = SERVICES): Promise<void> {
  const failed = (await Promise.allSettled(services.map((s) => requireService(s)))).flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failed.length) throw new Error(`the tests need these servers:\n${failed.map((f) => `  - ${f}`).join('\n')}`);
}

/** Programs the tests run, from Debian's packages (.ci/run installs them when missing). */
export const TOOLS = [
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'prometheus', pkg: 'prometheus' },
  { bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
];

/** Each tool on PATH; throws naming every missing one and the package that brings it. */
export function requireTools(tools = TOOLS): void {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const missing = tools.filter((t) => !dirs.some((d) => existsSync(path.join(d, t.bin))));
  if (missing.length) throw new Error(`the tests need these programs:\n${missing.map((t) => `  - ${t.bin}: apt-get install ${t.pkg}`).join('\n')}`);
}
