export { EVENTS, event, checkEvent, isEventType, type EventType, type EventData, type LifeboatEvent } from './registry.js';
export { createLocalBus, type EventBus, type EventHandler } from './bus.js';
export { createRedisBus, eventStreamKey } from './redis-bus.js';
export { createEventRecorder, type EventRecorder } from './recorder.js';
