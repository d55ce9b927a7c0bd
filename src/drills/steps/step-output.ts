/** What a step returns: its value for the steps after it, and the details its record keeps. */
export interface StepOutput<T> {
  value: T;
  details?: Record<string, unknown>;
}

/** The sandbox as provisioning fills it in: a lease first, then the created database, then the open target. Teardown reads what is there. */
export interface SandboxHold {
  lease?: import('../../providers/index.js').Lease;
  target?: import('../../providers/index.js').SandboxTarget;
}
