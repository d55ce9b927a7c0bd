/**
 * Loaded config is shared by every job: freezing it makes an accidental mutation throw
 * instead of leaking into the next run. Map contents are frozen too (the Map itself
 * cannot be, so the loader only hands out ReadonlyMap types).
 */
export function deepFreeze<T>(value: T): T {
  if (value instanceof Map) {
    for (const child of value.values()) deepFreeze(child);
    return value;
  }
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
