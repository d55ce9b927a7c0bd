import type { Redis } from 'ioredis';
import { LifeboatError, type Clock, type Logger } from '../domain/index.js';
import type { Ledger, VerifyReport } from './ledger.js';
import { serialAppends } from './serial-appends.js';
import { GENESIS_HASH, parseRecordLine, recordLine, sealRecord, type LedgerEntry, type LedgerRecord } from './record.js';
import { verifyChain, type HeadAnchor } from './verify-chain.js';

export interface RedisLedgerOptions {
  redis: Redis;
  /** Key prefix, one per deployment: records go to <key>:records, the head to <key>:head. */
  key: string;
  clock: Clock;
  logger: Logger;
}

const PAGE = 1000;

/**
 * A ledger shared by workers on any number of machines. Appends are optimistic: WATCH the
 * head, seal the records on it, then RPUSH them and move the head in one MULTI; a
 * concurrent append makes EXEC fail and the batch is sealed again on the new head, so the
 * chain never forks. Durability is Redis's: run it with appendonly (AOF) on.
 */
export function createRedisLedger(opts: RedisLedgerOptions): Ledger {
  const listKey = `${opts.key}:records`;
  const headKey = `${opts.key}:head`;
  // WATCH belongs to a connection: this one is used for nothing else.
  const conn = opts.redis.duplicate();

  const readHead = async (): Promise<HeadAnchor | undefined> => {
    const raw = await conn.get(headKey);
    return raw ? (JSON.parse(raw) as HeadAnchor) : undefined;
  };

  const appendNow = async (entries: readonly LedgerEntry[]): Promise<LedgerRecord[]> => {
    if (!entries.length) return [];
    for (let attempt = 0; attempt < 100; attempt++) {
      await conn.watch(headKey);
      const head = await readHead();
      const at = opts.clock.now();
      const sealed: LedgerRecord[] = [];
      let seq = head?.seq ?? 0;
      let prev = head?.hash ?? GENESIS_HASH;
      for (const entry of entries) {
        const r = sealRecord(entry, ++seq, at, prev);
        sealed.push(r);
        prev = r.hash;
      }
      const last = sealed[sealed.length - 1]!;
      const result = await conn
        .multi()
        .rpush(listKey, ...sealed.map((r) => recordLine(r).trimEnd()))
        .set(headKey, JSON.stringify({ seq: last.seq, hash: last.hash }))
        .exec();
      if (result) return sealed;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
    throw new LifeboatError('LEDGER_LOCKED', 'could not append to the Redis ledger: 100 conflicting appends in a row');
  };

  async function* lines(): AsyncGenerator<{ position: number; text: string }> {
    const total = await conn.llen(listKey);
    for (let start = 0; start < total; start += PAGE) {
      const page = await conn.lrange(listKey, start, Math.min(total, start + PAGE) - 1);
      for (let i = 0; i < page.length; i++) yield { position: start + i + 1, text: page[i]! };
    }
  }

  const serial = serialAppends(appendNow);
  return {
    append: serial.append,
    appendMany: serial.appendMany,
    async *records() {
      for await (const { text } of lines()) {
        const r = parseRecordLine(text);
        if (r) yield r;
      }
    },
    async verify(): Promise<VerifyReport> {
      const collected: { position: number; text: string }[] = [];
      for await (const l of lines()) collected.push(l);
      return verifyChain(collected, await readHead());
    },
    async close() {
      await serial.drain();
      await conn.quit().catch(() => undefined);
    },
  };
}
