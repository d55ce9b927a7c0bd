export { EXIT, type CliContext } from './context.js';
export { checkCommand } from './check.js';
export { ledgerVerifyCommand } from './ledger-verify.js';
export { manifestCommand } from './manifest.js';
export { schemaCommand } from './schema.js';
export { startCommand } from './start.js';
export { validateCommand } from './validate.js';
export { drillListCommand, drillRunCommand, drillShowCommand, drillHistoryCommand } from './drill.js';
export { sandboxSweepCommand } from './sandbox-sweep.js';
