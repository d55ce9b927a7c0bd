/**
 * Every error lifeboat raises on purpose carries a stable code from this registry,
 * so CLI exit codes, API responses and alerts can branch on it without parsing text.
 *
 * `http` is the status the API answers with. The rule: 4xx when the caller can fix it by
 * asking differently (usage, the estate it named, a dump or drill that fails on its own
 * merits: 422); 503 when our infrastructure is down or busy and a retry may succeed
 * (every retryable code); 500 when lifeboat or its deployment is at fault and a retry
 * will not help until someone looks. So exit 1 and 2 go with 4xx and exit 3 with 5xx,
 * but for two codes whose side differs over HTTP: SECRET_UNAVAILABLE (500: the server's
 * environment lacks it, not the caller's) and SLOT_SUPERSEDED (409: a newer attempt
 * holds the slot, a conflict rather than a failure).
 */
export const ErrorCodes = {
  CONFIG_INVALID: { exit: 2, http: 400, retryable: false },
  CONFIG_NOT_FOUND: { exit: 2, http: 404, retryable: false },
  USAGE: { exit: 2, http: 400, retryable: false },
  SECRET_UNAVAILABLE: { exit: 2, http: 500, retryable: false },
  BACKUP_UNREADABLE: { exit: 3, http: 503, retryable: true },
  /** The backup is in an archive storage class: a thaw was asked for, and the drill is tried again later. */
  BACKUP_ARCHIVED: { exit: 3, http: 503, retryable: true },
  REGION_UNREACHABLE: { exit: 3, http: 503, retryable: true },
  LEDGER_IO: { exit: 3, http: 503, retryable: true },
  LEDGER_LOCKED: { exit: 3, http: 503, retryable: true },
  /** The ledger is behind or apart from its head or witness: nothing is appended until someone looks (ledger verify). */
  LEDGER_TAMPERED: { exit: 3, http: 500, retryable: false },
  DATABASE_UNREACHABLE: { exit: 3, http: 503, retryable: true },
  DUMP_UNPARSEABLE: { exit: 2, http: 422, retryable: false },
  /** A dump that is empty, cut short or missing tables, refused as the source of a manifest. */
  DUMP_INCOMPLETE: { exit: 1, http: 422, retryable: false },
  /** The dump asks for what a restore never does (a client command, another database, a host file): the drill fails. */
  DUMP_REFUSED: { exit: 1, http: 422, retryable: false },
  /** The sandbox server rejected a statement of the dump (syntax, rights, data): the drill fails. */
  RESTORE_FAILED: { exit: 1, http: 422, retryable: false },
  /** A sandbox that is, or may be, a production server: nothing is written. */
  SANDBOX_REFUSED: { exit: 2, http: 409, retryable: false },
  DRILL_TIMEOUT: { exit: 1, http: 422, retryable: false },
  /** A newer attempt of the same job claimed its slot: this one stops before its next side effect. */
  SLOT_SUPERSEDED: { exit: 3, http: 409, retryable: false },
  INTERNAL: { exit: 3, http: 500, retryable: false },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class LifeboatError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LifeboatError';
    this.code = code;
    this.retryable = options?.retryable ?? ErrorCodes[code].retryable;
  }

  get exitCode(): number {
    return ErrorCodes[this.code].exit;
  }
}

/** Exit code for anything thrown out of a command: ours by code, anything else is infrastructure. */
export function exitCodeOf(err: unknown): number {
  return err instanceof LifeboatError ? err.exitCode : 3;
}

/** HTTP status for anything thrown out of a request: ours by code, anything else is lifeboat's own fault (500). */
export function httpStatusOf(err: unknown): number {
  return err instanceof LifeboatError ? ErrorCodes[err.code].http : 500;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
