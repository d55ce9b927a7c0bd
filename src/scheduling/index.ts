export { startCronScheduler, type EmbeddedScheduler } from './cron-scheduler.js';
