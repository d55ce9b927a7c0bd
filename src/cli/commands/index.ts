import { alertsInbox } from './alerts/inbox.js';
import { alertsList } from './alerts/list.js';
import { alertsSilenceAdd } from './alerts/silence/add.js';
import { alertsSilenceExpire } from './alerts/silence/expire.js';
import { alertsSilenceList } from './alerts/silence/list.js';
import { alertsTest } from './alerts/test.js';
import { canaryBeat } from './canary/beat.js';
import { canarySetup } from './canary/setup.js';
import { check } from './check.js';
import { copyRun } from './copy/run.js';
import { copyStatus } from './copy/status.js';
import { copyVerify } from './copy/verify.js';
import type { CommandDefinition } from './define.js';
import { drillHistory } from './drill/history.js';
import { drillList } from './drill/list.js';
import { drillRun } from './drill/run.js';
import { drillShow } from './drill/show.js';
import { ledgerKeygen } from './ledger/keygen.js';
import { ledgerVerify } from './ledger/verify.js';
import { manifest } from './manifest.js';
import { sandboxSweep } from './sandbox/sweep.js';
import { scheduler } from './scheduler.js';
import { schema } from './schema.js';
import { scrub } from './scrub.js';
import { start } from './start.js';
import { status } from './status.js';
import { validate } from './validate.js';
import { worker } from './worker.js';

/** Every command, in the order `lifeboat --help` lists them. */
export const COMMANDS: readonly CommandDefinition[] = [
  start,
  validate,
  schema,
  check,
  manifest,
  scheduler,
  worker,
  status,
  drillList,
  drillRun,
  drillShow,
  drillHistory,
  sandboxSweep,
  copyRun,
  copyStatus,
  copyVerify,
  scrub,
  alertsList,
  alertsTest,
  alertsInbox,
  alertsSilenceList,
  alertsSilenceAdd,
  alertsSilenceExpire,
  canaryBeat,
  canarySetup,
  ledgerVerify,
  ledgerKeygen,
] as CommandDefinition[];

/** What `lifeboat <noun> --help` says of each group of commands. */
export const NOUNS: Readonly<Record<string, string>> = {
  drill: 'restore drills',
  sandbox: 'drill sandboxes',
  copy: 'cold copies of backups in other regions',
  canary: "heartbeat rows in production whose newest restored value measures a drill's real RPO",
  ledger: 'the evidence ledger',
  alerts: 'alerts: what fires, test a route, a local inbox, silences',
  silence: 'mute alerts for a while, with a reason',
};

export { defineCommand, type ArgumentSpec, type CommandDefinition, type OptionSpec } from './define.js';
export { flagsByKey, parseCommandInput } from './parse-input.js';
