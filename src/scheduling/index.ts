export { startCronScheduler, type EmbeddedScheduler } from './cron-scheduler.js';
export { nextFireTime, nextFireTimes } from './cron-time.js';
