import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { MARIADB } from './databases.js';
import { waitFor } from './wait.js';

/** Appended to a MySQL dump: the restore never gets past it, so a kill that waits for it lands in the restore on any machine. */
export const ENDLESS_MYSQL_STATEMENT = 'SELECT SLEEP(600)';

/** Whether a statement starting with `sql` is running in this database right now. */
export async function statementRunning(database: string, sql: string): Promise<boolean> {
  const c = await mysql.createConnection(MARIADB);
  try {
    const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = ? AND info LIKE ?', [database, `${sql}%`]);
    return Number(rows[0]!.n) > 0;
  } finally {
    await c.end();
  }
}

/**
 * Waits until the drill of the estate in `dir` has leased its sandbox and its restore is
 * inside ENDLESS_MYSQL_STATEMENT; `gone` says whether the process already exited (a failure).
 * Returns the lease: the sandbox database and user the drill made.
 */
export async function waitInEndlessRestore(dir: string, gone: () => string | undefined, timeout = 40_000): Promise<{ runId: string; database: string; user: string }> {
  const leases = path.join(dir, 'state/leases');
  const lease = await waitFor(
    async () => {
      const why = gone();
      if (why) throw new Error(`the drill's process exited before the kill: ${why}`);
      const [f] = await readdir(leases).catch(() => [] as string[]);
      return f ? (JSON.parse(await readFile(path.join(leases, f), 'utf8')) as { runId: string; database: string; user: string }) : undefined;
    },
    { timeout, what: 'the drill to lease its sandbox' },
  );
  await waitFor(() => statementRunning(lease.database, ENDLESS_MYSQL_STATEMENT), { timeout, what: `the restore to reach ${ENDLESS_MYSQL_STATEMENT}` });
  return lease;
}
