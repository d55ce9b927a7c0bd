import type { PGlite } from '@electric-sql/pglite';

/** PGlite is loaded on first use: its WebAssembly is heavy and most commands never need it. */
export async function openPGlite(dataDir?: string): Promise<PGlite> {
  const { PGlite: Impl } = await import('@electric-sql/pglite');
  return dataDir ? Impl.create(dataDir) : Impl.create();
}
