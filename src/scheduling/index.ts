export { startCronScheduler, type EmbeddedScheduler } from './cron-scheduler.js';
export { nextFireTime, nextFireTimes } from './cron-time.js';
export { cadenceOf, describeCadence, dueSlot, previousFireTime, type Cadence, type DrillCadence } from './cadence.js';
export { cadenceStates, overdueDrills, type CadenceState } from './overdue.js';
