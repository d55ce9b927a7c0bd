export { renderConfigReference, replaceReference, REFERENCE_START, REFERENCE_END } from './config-reference.js';
