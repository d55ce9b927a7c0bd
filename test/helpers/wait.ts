/**
 * Waits until `fn` returns something other than undefined/false (or stops throwing), polling
 * every `every` ms; fails after `timeout` ms naming `what` and the last value or error seen.
 * Tests synchronise on conditions through this, never on fixed sleeps.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: { timeout: number; what: string; every?: number }): Promise<Exclude<T, false | undefined | null>> {
  const deadline = Date.now() + opts.timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v as Exclude<T, false | undefined | null>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${opts.timeout} ms waiting for ${opts.what} (last: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, opts.every ?? 20));
  }
}

/**
 * Polls `probe` every `every` ms until `ok` accepts its value, and returns that value; fails
 * after `timeout` ms naming `what` and the last value. A probe that throws fails at once.
 */
export async function waitUntil<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, opts: { timeout: number; every: number }): Promise<T> {
  const deadline = Date.now() + opts.timeout;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, opts.every));
  }
}
