export type Dialect = 'mysql' | 'postgres';

/** Why a statement of the dump was not sent: each is reported with the drill, so nothing is changed silently. */
export type SkipReason =
  /** It creates, drops, alters or picks the dump's own database: the sandbox database stands in for it. */
  | 'own-database'
  /** It hands objects or rights to production roles the per-run user rightly cannot name. */
  | 'ownership'
  /** It sets the client encoding, which lifeboat applies itself while reading the dump. */
  | 'encoding';

export interface SkippedStatement {
  line: number;
  text: string;
  reason: SkipReason;
}
