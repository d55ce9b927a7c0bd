import { requireServices, requireTools } from './helpers/services.js';

/**
 * Fails the run at once, naming each missing server and how to start it, and each missing
 * program and its package: no test skips for want of MariaDB, PostgreSQL, Redis or Prometheus.
 *
 * Nothing is dropped here. Each test's sandboxes carry its estate's own namePrefix
 * (test/helpers/drill-estate.ts) and each test checks only those, so sandboxes a killed
 * earlier run left cannot fail a test; and a server-wide sweep of lbdrill_…/lbrun_… (even
 * of the default prefix, which is what a developer's own `lifeboat drill run` uses) would
 * drop the sandboxes of a run going on at the same time on the same server.
 */
export default async function setup(): Promise<void> {
  requireTools();
  await requireServices();
}
