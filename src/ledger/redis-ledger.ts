import type { Redis } from 'ioredis';
import { LifeboatError } from '../domain/index.js';
import type { Ledger, VerifyReport } from './ledger.js';
import { chainRecords, ledgerFromBackend, type LedgerBackendOptions } from './ledger-backend.js';
import { recordLine, type LedgerEntry, type LedgerRecord } from './record.js';
import { makeSeal, parseSeal, type Seal } from './seal.js';
import { advanceWitness, guardTail } from './sealing.js';
import type { LedgerSigner } from './signing.js';
import { verifySealed } from './verify-sealed.js';

export interface RedisLedgerOptions extends LedgerBackendOptions {
  redis: Redis;
  /** Key prefix, one per deployment: records go to <key>:records, the head to <key>:head. */
  key: string;
}

const PAGE = 1000;
const READ_TAIL = `return { redis.call('GET', KEYS[1]), redis.call('LLEN', KEYS[2]) }`;

/**
 * A ledger shared by workers on any number of machines. Appends are optimistic: WATCH the
 * head, seal the records on it, then RPUSH them and move the head in one MULTI; a
 * concurrent append makes EXEC fail and the batch is sealed again on the new head, so the
 * chain never forks. Durability is Redis's: run it with appendonly (AOF) on.
 */
export function createRedisLedger(opts: RedisLedgerOptions): Ledger {
  const listKey = `${opts.key}:records`;
  const headKey = `${opts.key}:head`;
  // WATCH belongs to a connection: this one is used for nothing else, and connects on first use.
  const conn = opts.redis.duplicate({ lazyConnect: true });

  const readHead = async (): Promise<Seal | undefined> => parseSeal(await conn.get(headKey));

  const appendNow = async (entries: readonly LedgerEntry[], signer: LedgerSigner | undefined): Promise<LedgerRecord[]> => {
    for (let attempt = 0; attempt < 100; attempt++) {
      await conn.watch(headKey);
      // Head and length read in one step: a writer between two reads would look like a cut.
      const [rawHead, length] = (await conn.eval(READ_TAIL, 2, headKey, listKey)) as [string | null, number];
      const head = parseSeal(rawHead);
      if (length !== (head?.seq ?? 0)) {
        await conn.unwatch();
        throw new LifeboatError('LEDGER_TAMPERED', `the Redis ledger ${listKey} holds ${length} records but its head says #${head?.seq ?? 0}: they always move together. Nothing is appended; run lifeboat ledger verify`);
      }
      try {
        await guardTail(opts.key, head, undefined, opts.sealing?.witness);
      } catch (err) {
        // A writer that appended since our read moves the witness ahead of what we read: read again.
        const moved = (await conn.get(headKey)) !== rawHead;
        await conn.unwatch();
        if (moved) continue;
        throw err;
      }
      const at = opts.clock.now();
      const sealed = chainRecords(entries, head, at, signer);
      const seal = makeSeal(sealed.at(-1)!, at, signer);
      const result = await conn
        .multi()
        .rpush(listKey, ...sealed.map((r) => recordLine(r).trimEnd()))
        .set(headKey, JSON.stringify(seal))
        .exec();
      if (result) {
        await advanceWitness(opts.sealing?.witness, seal, opts.logger);
        return sealed;
      }
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

  return ledgerFromBackend({
    sealing: opts.sealing,
    appendBatch: appendNow,
    lines,
    async verify(): Promise<VerifyReport> {
      const collected: { position: number; text: string }[] = [];
      for await (const l of lines()) collected.push(l);
      return verifySealed(collected, await readHead(), opts.sealing, `redis key ${headKey}`);
    },
    close: () => closeRedis(conn),
  });
}

/** Quits a connection; one that never connected (lazy) is just dropped, not connected to say goodbye. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'wait' || redis.status === 'end') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
