import type { Severity } from './types.js';

export interface RuleSpec {
  severity: Severity;
  /** How long a condition must hold before it fires (Prometheus `for:`): a flapping subject is not paged on every sweep. */
  forMs: number;
  /** What the rule watches, for `lifeboat alerts rules` and the docs. */
  describe: string;
}

const MIN = 60_000;

/** The built-in rules. Severity and `for` can be changed per rule in the estate (`alerts.rules`), severity per resource too. */
export const RULES = {
  'backup-stale': { severity: 'critical', forMs: 0, describe: 'the newest usable backup is older than the RPO target plus grace' },
  'backup-missing': { severity: 'critical', forMs: 0, describe: 'no backup at all where the resource says they are' },
  'backup-failing': { severity: 'critical', forMs: 0, describe: 'the newest backup is unusable (truncated, checksum mismatch, …)' },
  'backup-unknown': { severity: 'warning', forMs: 15 * MIN, describe: 'freshness could not be judged (region unreachable, listing failed) for longer than `for`' },
  'copy-lag': { severity: 'warning', forMs: 0, describe: "the newest verified copy in a destination is older than the policy's lag target" },
  'copy-verify-failed': { severity: 'critical', forMs: 0, describe: 'a copy no longer hashes to what was written, or is gone: the grow-only promise broken' },
  'drill-failed': { severity: 'critical', forMs: 0, describe: "the drill's latest run failed (or could not finish)" },
  'drill-partially-failed': { severity: 'warning', forMs: 0, describe: "the drill's latest run restored the data but a check failed" },
  'drill-target-missed': { severity: 'warning', forMs: 0, describe: "the drill's latest run missed a target (RTO, RPO, completeness or score)" },
  'drill-overdue': { severity: 'warning', forMs: 0, describe: 'no passed run within the cadence plus its grace' },
  'drill-could-not-start': { severity: 'critical', forMs: 0, describe: 'the latest attempt was refused before restoring (sandbox refused, guard, lease conflict)' },
  'ledger-verify-failed': { severity: 'critical', forMs: 0, describe: 'the last ledger verification found the evidence changed, truncated or forked' },
  'sandbox-orphans': { severity: 'warning', forMs: 0, describe: 'the sweep found sandboxes it could not remove' },
  'scrub-rot': { severity: 'critical', forMs: 0, describe: 'the last scrub found backups or copies whose bytes changed' },
  'delivery-failures': { severity: 'critical', forMs: 0, describe: 'notifications to a route were given up on after the retry budget (dead letters)' },
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];
