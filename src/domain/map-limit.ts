import pLimit from 'p-limit';

/**
 * Maps items with at most `limit` calls in flight; results keep the input order. A limit
 * below 1 (an empty or misread setting) runs one at a time instead of throwing, as before
 * p-limit did the work.
 */
export function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  return pLimit(Math.max(1, Math.floor(limit) || 1)).map(items, fn);
}
