export { checkedSchema, quoteSchema, describeWhere, redact } from './names.js';
export { lockKey, inTransaction, underLock } from './transaction.js';
