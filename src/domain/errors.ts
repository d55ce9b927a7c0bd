/**
 * Every error lifeboat raises on purpose carries a stable code from this registry,
 * so CLI exit codes, API responses and alerts can branch on it without parsing text.
 */
export const ErrorCodes = {
  CONFIG_INVALID: { exit: 2, retryable: false },
  CONFIG_NOT_FOUND: { exit: 2, retryable: false },
  USAGE: { exit: 2, retryable: false },
  SECRET_UNAVAILABLE: { exit: 2, retryable: false },
  BACKUP_UNREADABLE: { exit: 3, retryable: true },
  REGION_UNREACHABLE: { exit: 3, retryable: true },
  LEDGER_IO: { exit: 3, retryable: true },
  LEDGER_LOCKED: { exit: 3, retryable: true },
  /** The ledger is behind or apart from its head or witness: nothing is appended until someone looks (ledger verify). */
  LEDGER_TAMPERED: { exit: 3, retryable: false },
  DATABASE_UNREACHABLE: { exit: 3, retryable: true },
  DUMP_UNPARSEABLE: { exit: 2, retryable: false },
  /** A dump that is empty, cut short or missing tables, refused as the source of a manifest. */
  DUMP_INCOMPLETE: { exit: 1, retryable: false },
  /** The dump asks for what a restore never does (a client command, another database, a host file): the drill fails. */
  DUMP_REFUSED: { exit: 1, retryable: false },
  /** The sandbox server rejected a statement of the dump (syntax, rights, data): the drill fails. */
  RESTORE_FAILED: { exit: 1, retryable: false },
  /** A sandbox that is, or may be, a production server: nothing is written. */
  SANDBOX_REFUSED: { exit: 2, retryable: false },
  DRILL_TIMEOUT: { exit: 1, retryable: false },
  /** A newer attempt of the same job claimed its slot: this one stops before its next side effect. */
  SLOT_SUPERSEDED: { exit: 3, retryable: false },
  INTERNAL: { exit: 3, retryable: false },
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

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
