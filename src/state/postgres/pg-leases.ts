import type pg from 'pg';
import type { Lease, LeaseStore } from '../../providers/index.js';

/** Leases as rows, committed before the sandbox exists (a committed row is durable). */
export function createPgLeases(pool: pg.Pool, s: string): LeaseStore {
  return {
    async put(lease) {
      await pool.query(`INSERT INTO ${s}.leases (id, record) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record`, [lease.id, JSON.stringify(lease)]);
    },
    async remove(id) {
      await pool.query(`DELETE FROM ${s}.leases WHERE id = $1`, [id]);
    },
    async list() {
      const { rows } = await pool.query<{ record: string }>(`SELECT record FROM ${s}.leases ORDER BY id`);
      return rows.map((r) => JSON.parse(r.record) as Lease);
    },
  };
}
