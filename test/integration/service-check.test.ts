import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { requireService, requireServices, SERVICES, type Service } from '../helpers/services.js';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const service = (name: string) => SERVICES.find((s) => s.name === name)!;

describe('the suite start check of MariaDB, PostgreSQL and Redis', () => {
  it.each(['MariaDB', 'PostgreSQL', 'Redis'])('%s missing: fails naming the server, where it was looked for, why, and how to start it', async (name) => {
    const port = await closedPort();
    const s = service(name);
    await expect(requireService(s, { port })).rejects.toThrow(
      new RegExp(`^${name} is not reachable at 127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\): start ${name} with \`${s.start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` \\(see README, "Two commands"\\)$`),
    );
  });

  it('names each start command as .ci/run does', () => {
    expect(SERVICES.map((s) => [s.name, `${s.host}:${s.port}`, s.start.split(' ')[0]])).toEqual([
      ['MariaDB', '127.0.0.1:3306', 'start-stop-daemon'],
      ['PostgreSQL', '127.0.0.1:5432', 'pg_ctlcluster'],
      ['Redis', '127.0.0.1:6379', 'redis-server'],
    ]);
  });

  it('lists every missing server in one failure, and passes when all answer', async () => {
    const port = await closedPort();
    const down: Service[] = SERVICES.map((s) => ({ ...s, port }));
    const err = await requireServices(down).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message.split('\n').map((l) => l.replace(/ \(.*/, ''))).toEqual([
      'the tests need these servers:',
      `  - MariaDB is not reachable at 127.0.0.1:${port}`,
      `  - PostgreSQL is not reachable at 127.0.0.1:${port}`,
      `  - Redis is not reachable at 127.0.0.1:${port}`,
    ]);
    await expect(requireServices()).resolves.toBeUndefined();
  });
});
