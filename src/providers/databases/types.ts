import type { ServerIdentity } from '../sandboxes/types.js';

/** What a live database holds, read in one consistent read-only snapshot. */
export interface DatabaseSnapshot {
  engine: 'mysql' | 'postgres';
  database: string;
  /** When the snapshot's transaction started: the consistent point of what was read. */
  takenAt: Date;
  tables: { schema: string; name: string; rows: number; checksum: string }[];
  objects: { views: string[]; routines: string[]; triggers: string[] };
  checksumAlgorithm: string;
}

export interface DatabaseReader {
  snapshot(opts?: { schemas?: string[] }): Promise<DatabaseSnapshot>;
  /** Who the server says it is: the sandbox guard compares this with each sandbox. */
  identity(): Promise<ServerIdentity>;
}

/** Connection details parsed from a DSN; the password is kept apart so nothing prints it by accident. */
export interface Dsn {
  engine: 'mysql' | 'postgres';
  host: string;
  port: number;
  user?: string;
  database: string;
  password?: string;
  /** The DSN with its password replaced, for messages. */
  safe: string;
}
