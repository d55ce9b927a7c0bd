import type { Redis } from 'ioredis';
import { LifeboatError } from '../domain/index.js';
import { parseSeal } from './seal.js';
import type { Witness } from './witness.js';

/** Sets the seal only when the key holds none, or one with a smaller seq: one step, so racing writers never move it back. */
const ADVANCE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, v = pcall(cjson.decode, cur)
  if ok and type(v) == 'table' and tonumber(v['seq']) and tonumber(v['seq']) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/** The witness in the shared store of distributed mode: one Redis key holding the newest seal. */
export function createRedisWitness(redis: Redis, key: string): Witness {
  return {
    where: `redis key ${key}`,
    async read() {
      const raw = await redis.get(key);
      if (raw === null) return undefined;
      const seal = parseSeal(raw);
      if (!seal) throw new LifeboatError('LEDGER_TAMPERED', `the ledger witness (redis key ${key}) does not hold a seal`);
      return seal;
    },
    async advance(seal) {
      await redis.eval(ADVANCE, 1, key, JSON.stringify(seal), String(seal.seq));
    },
  };
}
