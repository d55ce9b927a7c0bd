import type pg from 'pg';
import type { SlotHolder, SlotRecord, SlotStore } from '../types.js';

interface SlotRow {
  slot: string;
  token: string;
  holder: string;
  claimed_at: Date;
  result: string | null;
  finished_at: Date | null;
}

const recordOf = (r: SlotRow): SlotRecord => ({
  slot: r.slot,
  token: Number(r.token),
  holder: JSON.parse(r.holder) as SlotHolder,
  claimedAt: r.claimed_at.toISOString(),
  ...(r.result !== null ? { result: JSON.parse(r.result) as Record<string, unknown> } : {}),
  ...(r.finished_at ? { finishedAt: r.finished_at.toISOString() } : {}),
});

/**
 * Slot claims as one row per slot. Each claim and finish is a single statement, so the row
 * lock orders racing claimers: tokens only grow, and a finished row is never claimed again.
 */
export function createPgSlots(pool: pg.Pool, s: string): SlotStore {
  const get = async (slot: string) => {
    const { rows } = await pool.query<SlotRow>(`SELECT * FROM ${s}.slots WHERE slot = $1`, [slot]);
    return rows[0] && recordOf(rows[0]);
  };
  return {
    async claim(slot, holder, at) {
      const { rows } = await pool.query<{ token: string }>(
        `INSERT INTO ${s}.slots AS cur (slot, token, holder, claimed_at) VALUES ($1, 1, $2, $3)
         ON CONFLICT (slot) DO UPDATE SET token = cur.token + 1, holder = EXCLUDED.holder, claimed_at = EXCLUDED.claimed_at
         WHERE cur.finished_at IS NULL
         RETURNING token`,
        [slot, JSON.stringify(holder), at.toISOString()],
      );
      if (rows[0]) return { token: Number(rows[0].token) };
      // Nothing updated: the slot is finished, and a finished slot never changes again.
      const finished = await get(slot);
      if (!finished) throw new Error(`slot ${slot}: claim updated nothing and the slot is missing`);
      return { finished };
    },
    async isCurrent(slot, token) {
      const { rows } = await pool.query(`SELECT 1 FROM ${s}.slots WHERE slot = $1 AND token = $2 AND finished_at IS NULL`, [slot, token]);
      return rows.length > 0;
    },
    async finish(slot, token, result, at) {
      const { rowCount } = await pool.query(`UPDATE ${s}.slots SET result = $3, finished_at = $4 WHERE slot = $1 AND token = $2 AND finished_at IS NULL`, [slot, token, JSON.stringify(result), at.toISOString()]);
      return rowCount === 1;
    },
    get,
  };
}
