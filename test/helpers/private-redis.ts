import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { waitFor } from './wait.js';
import { freePort } from './ports.js';

export interface PrivateRedis {
  url: string;
  connection: { host: string; port: number };
  start(): Promise<void>;
  /** SIGTERM and wait for the exit: an outage that keeps the data (AOF) for the next start. */
  stop(): Promise<void>;
}

/**
 * Private redis-servers for tests that stop and restart Redis (the shared one must stay up for every other test):
 * each keeps its data across a restart (AOF, fsync always), as production Redis should. Killed and removed after each test.
 */
export function usePrivateRedis(): () => Promise<PrivateRedis> {
  const made: { server?: ChildProcess; data: string }[] = [];
  afterEach(async () => {
    for (const m of made.splice(0)) {
      if (m.server && m.server.exitCode === null) {
        m.server.kill('SIGKILL');
        await new Promise((r) => m.server!.once('close', r));
      }
      await rm(m.data, { recursive: true, force: true });
    }
  });
  return async () => {
    const port = await freePort();
    const m: { server?: ChildProcess; data: string } = { data: await mkdtemp(path.join(tmpdir(), 'lifeboat-redis-')) };
    made.push(m);
    const url = `redis://127.0.0.1:${port}`;
    const ping = async () => {
      const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      return c
        .connect()
        .then(
          () => c.ping(),
          () => undefined,
        )
        .finally(() => c.disconnect());
    };
    return {
      url,
      connection: { host: '127.0.0.1', port },
      async start() {
        m.server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', m.data], { stdio: 'ignore' });
        await waitFor(ping, { timeout: 10_000, what: `redis-server on port ${port} to answer` });
      },
      async stop() {
        const s = m.server!;
        if (s.exitCode !== null) return;
        s.kill('SIGTERM');
        await new Promise((r) => s.once('close', r));
      },
    };
  };
}
