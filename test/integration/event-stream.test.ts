import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/index.js';
import { createRedisBus, eventStreamKey, type LifeboatEvent } from '../../src/events/index.js';
import { waitFor } from '../helpers/wait.js';

const prefix = `lbtest-${randomBytes(4).toString('hex')}`;
const clients: Redis[] = [];
const client = () => {
  const c = new Redis('redis://127.0.0.1:6379');
  clients.push(c);
  return c;
};
afterAll(async () => {
  await clients[0]?.del(eventStreamKey(prefix));
  await Promise.all(clients.map((c) => c.quit()));
});

describe('events across processes (Redis stream)', () => {
  it("a subscriber on another connection hears every publisher's events from when it subscribed, in order; a malformed entry is skipped", async () => {
    const worker = createRedisBus(client(), prefix, silentLogger);
    const api = createRedisBus(client(), prefix, silentLogger);
    await worker.publish([{ type: 'drill.step', subject: 'before', data: { drill: 'd', step: 'locate', at: 'x' } }]);
    const heard: LifeboatEvent[] = [];
    const subscription = api.subscribe((e) => void heard.push(e));
    await subscription.ready;
    await client().xadd(eventStreamKey(prefix), '*', 'e', JSON.stringify({ type: 'drill.step', subject: 'bad', data: { step: 1 } }));
    await worker.publish([
      { type: 'drill.step', subject: 'run-1', data: { drill: 'd', step: 'restore', at: '2026-12-02T00:00:00.000Z' } },
      { type: 'scrub.completed', subject: 'scrub', data: { rate: null, backups: 2, backupsBad: 0, copies: 1, copiesBad: 0, bytes: 10, durationMs: 5 } },
    ]);
    await waitFor(() => heard.length >= 2, { timeout: 5000, what: 'two events on the other connection' });
    expect(heard.map((e) => [e.type, e.subject])).toEqual([
      ['drill.step', 'run-1'],
      ['scrub.completed', 'scrub'],
    ]);
    subscription.close();
    await worker.close();
    await api.close();
  });
});
