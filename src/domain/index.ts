export { systemClock, fixedClock, stopwatch, type Clock } from './clock.js';
export { ErrorCodes, LifeboatError, exitCodeOf, httpStatusOf, messageOf, type ErrorCode } from './errors.js';
export { silentLogger, type Logger } from './logger.js';
export { knownSecrets, MIN_HIDDEN_SECRET_LENGTH, rememberSecret } from './secret-values.js';
export { parseLoginUrl, type LoginUrl } from './login-url.js';
export { mapLimit } from './map-limit.js';
export { nameTimeParser, wallTimeToUtc } from './name-time.js';
export { isRetryable } from './retry-policy.js';
