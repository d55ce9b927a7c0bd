export { EXIT, type CliContext } from './context.js';
export { COMMANDS, NOUNS, parseCommandInput, type CommandDefinition } from './commands/index.js';
export { type DistributedOptions } from './distributed.js';
export { errorJson, jsonText, wantsJson, type JsonError } from './json-error.js';
