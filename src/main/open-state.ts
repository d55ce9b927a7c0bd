import { resolveSecret, type Env, type LoadedConfig } from '../config/index.js';
import { createFileStateStore, openPostgresStateStore, type StateStore } from '../state/index.js';

/** The estate's state store: files in stateDir (the default), or PostgreSQL, its URL read from the secret it names. */
export async function openStateStore(config: LoadedConfig, env: Env): Promise<StateStore> {
  const s = config.estate.state;
  if (s?.kind !== 'postgres') return createFileStateStore(config.stateDir);
  const url = await resolveSecret(s.url, 'state.url', env, config.baseDir);
  return openPostgresStateStore({ url, schema: s.schema });
}
