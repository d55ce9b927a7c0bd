import path from 'node:path';
import { Redis } from 'ioredis';
import { resolveSecret, type Env, type LoadedConfig } from '../config/index.js';
import { LifeboatError, type Clock, type Logger } from '../domain/index.js';
import { closeRedis, createDirWitness, createFsLedger, createPgLedger, createRedisLedger, createRedisWitness, createSigner, createVerifier, parsePrivateKey, parsePublicKey, type Ledger, type SealingOptions, type Witness } from '../ledger/index.js';
import { redisConnection } from '../queue/index.js';

const DEFAULT_KEY = 'lifeboat:ledger';

/**
 * The estate's ledger: a folder, or Redis (REDIS_URL) or PostgreSQL (ledger.url) shared by
 * every worker on every machine; records signed with ledger.signingKey and checked against
 * ledger.publicKey; the newest seal also kept by the witness (by default in the state
 * folder). Redis and PostgreSQL are connected on first use only, and closed with the ledger.
 */
export async function openLedger(config: LoadedConfig, base: { clock: Clock; logger: Logger; env?: Env }): Promise<Ledger> {
  const env = base.env ?? {};
  let redis: Redis | undefined;
  const sharedRedis = (why: string): Redis => {
    if (!redis) {
      const url = env.REDIS_URL;
      if (!url) throw new LifeboatError('CONFIG_INVALID', `${why} needs REDIS_URL`);
      redis = new Redis({ ...(redisConnection(url) as object), lazyConnect: true });
    }
    return redis;
  };
  const l = config.estate.ledger;
  const key = l?.key ?? DEFAULT_KEY;
  const sealing: SealingOptions = { ...(await keysOf(config, env)), witness: witnessOf(config, key, sharedRedis) };
  if (l?.backend === 'redis') {
    // Deprecated: PostgreSQL serves every setup Redis did (shared by many machines) and also keeps the records on disk
    // and refuses UPDATE and DELETE in the database itself; Redis keeps nothing unless persistence is set up, and any client may rewrite a key.
    base.logger.warn({ ledger: key }, 'ledger backend redis is deprecated and will be removed: move to backend postgres (see README, Shared ledger)');
  }
  const ledger =
    l?.backend === 'redis'
      ? createRedisLedger({ redis: sharedRedis('ledger backend redis'), key, clock: base.clock, logger: base.logger, sealing })
      : l?.backend === 'postgres'
        ? createPgLedger({ url: await resolveSecret(l.url!, 'ledger.url', env, config.baseDir), schema: l.schema, clock: base.clock, logger: base.logger, sealing })
        : createFsLedger({ dir: config.ledgerDir, clock: base.clock, logger: base.logger, sealing });
  let closed: Promise<void> | undefined;
  return {
    ...ledger,
    close: () =>
      (closed ??= (async () => {
        await ledger.close();
        if (redis) await closeRedis(redis);
      })()),
  };
}

/** The verifier from the public key; the signer when the private key can be read here (else why not, kept for the first append). */
async function keysOf(config: LoadedConfig, env: Env): Promise<Pick<SealingOptions, 'verifier' | 'signer' | 'signerUnavailable'>> {
  const l = config.estate.ledger;
  if (!l?.publicKey) return {};
  const publicKey = parsePublicKey(l.publicKey);
  const verifier = createVerifier(publicKey);
  if (!l.signingKey) return { verifier };
  const where = `ledger.signingKey (${'env' in l.signingKey ? `environment variable ${l.signingKey.env}` : `file ${l.signingKey.file}`})`;
  try {
    const secret = await resolveSecret(l.signingKey, 'ledger.signingKey', env, config.baseDir);
    return { verifier, signer: createSigner(parsePrivateKey(secret, where), publicKey, where) };
  } catch (err) {
    // A mismatched pair is a configuration mistake everywhere; an unreadable secret only matters to a writer.
    if (err instanceof LifeboatError && err.code === 'CONFIG_INVALID') throw err;
    return { verifier, signerUnavailable: err as Error };
  }
}

function witnessOf(config: LoadedConfig, ledgerKey: string, sharedRedis: (why: string) => Redis): Witness | undefined {
  const w = config.estate.ledger?.witness;
  if (w?.kind === 'none') return undefined;
  if (w?.kind === 'redis') return createRedisWitness(sharedRedis('ledger.witness kind redis'), w.key ?? `${ledgerKey}:witness`);
  const dir = w?.kind === 'dir' ? path.resolve(config.baseDir, w.path) : config.stateDir;
  const inside = (child: string, parent: string) => !path.relative(parent, child).startsWith('..') && !path.isAbsolute(path.relative(parent, child));
  if ((config.estate.ledger?.backend ?? 'file') === 'file' && inside(dir, config.ledgerDir)) {
    if (w) throw new LifeboatError('CONFIG_INVALID', `ledger.witness.path ${dir} is inside the ledger folder ${config.ledgerDir}: a witness must be kept somewhere else`);
    // The default (the state folder) sits inside the ledger folder: no witness rather than a useless one.
    return undefined;
  }
  return createDirWitness(dir);
}
