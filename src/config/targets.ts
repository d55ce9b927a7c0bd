import type { Estate, Resource } from './schemas/estate.js';

/** The RPO a resource is held to when neither it nor the estate's defaults name one. */
export const DEFAULT_RPO_MS = 24 * 3_600_000;

/** A resource's RPO target: its own, else the estate's default, else a day. One place, so sweeps, drills, alerts and metrics agree. */
export function rpoOf(resource: Pick<Resource, 'rpo'>, estate: Pick<Estate, 'defaults'>): number {
  return resource.rpo ?? estate.defaults?.rpo ?? DEFAULT_RPO_MS;
}
