import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { createLogger } from '../../src/main/logger.js';
import { createRuntime } from '../../src/main/runtime.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

// A quote and a backslash: in a JSON line they are escaped, and must be hidden in that form too.
const ENV_SECRET = 'env-Pa55"w\\rd-7f3a';
const FILE_SECRET = 'file-S3cret-77c1e';

/** Loads an estate whose sandbox credentials come from an env variable and a secret file, and resolves them the way a drill does. */
async function loadSecrets() {
  const dir = await tmp();
  await writeFile(path.join(dir, 'maria-user'), `${FILE_SECRET}\n`);
  await writeFile(
    path.join(dir, 'lifeboat.yaml'),
    `version: 1
ledger: { dir: ledger }
stateDir: state
regions:
  r: { kind: local, path: region }
credentials:
  admin: { kind: database, user: { file: maria-user }, password: { env: LB_LOG_TEST_PW } }
sandboxes:
  maria: { kind: mysql, host: 127.0.0.1, port: 3306, credentials: admin }
resources:
  - { id: db, kind: dump-dir, region: r, path: db }
`,
  );
  const rt = await createRuntime(await loadConfig(path.join(dir, 'lifeboat.yaml')), { clock: fixedClock(new Date()), logger: silentLogger, env: { LB_LOG_TEST_PW: ENV_SECRET } });
  await rt.sandbox('maria');
  await rt.close();
}

function collector() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, destination };
}

/** Every form a secret could take in output: as is, JSON-escaped, URL-encoded. */
const forms = (s: string) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)];

describe('log redaction', () => {
  it('hides fields named like secrets at any depth, URL passwords, and every secret value loaded from config, in fields, messages, errors and bindings', async () => {
    await loadSecrets();
    const out = collector();
    const log = createLogger('json', 'debug', { destination: out.destination });

    log.info(
      {
        resource: 'db',
        key: 'db/shop-20261122.sql.gz',
        job: {
          source: { dsn: 'mysql://reader:hunter2-dsn@db.internal:3306/shop', conninfo: "host=db port=5432 password='kv-s3cret' dbname=shop" },
          levels: [{ deeper: { deepest: { db_password: 'deep-pw-1', apiKey: 'ak-123456', secretKey: 'sk-987654', note: `value ${ENV_SECRET} in a string` } } }],
        },
        headers: { Authorization: 'Bearer tok-abcdef', 'X-Api-Key': 'xak-222' },
        signingKey: { env: 'LIFEBOAT_SIGNING_KEY' },
      },
      `connected as ${FILE_SECRET}`,
    );
    const cause = new Error(`login ${FILE_SECRET} refused`);
    const err = Object.assign(new Error(`Access denied (password ${ENV_SECRET})`, { cause }), { code: 'ER_ACCESS_DENIED', password: 'prop-pw-9' });
    log.error({ err, resource: 'db' }, 'sandbox unreachable');
    log.error(err);
    log.warn(`redis://:${encodeURIComponent(ENV_SECRET)}@redis.internal:6379/0 unreachable`);
    const child = log.child({ job: 'j1', token: 'child-token-1', who: `user ${FILE_SECRET}` });
    child.info({ step: 'restore' }, 'step restore');

    const text = out.lines.join('');
    for (const secret of [ENV_SECRET, FILE_SECRET, 'hunter2-dsn', 'kv-s3cret', 'deep-pw-1', 'ak-123456', 'sk-987654', 'tok-abcdef', 'xak-222', 'prop-pw-9', 'child-token-1']) {
      for (const f of forms(secret)) expect(text, `${f} printed`).not.toContain(f);
    }

    // Still readable: one JSON object per line, the structure kept, only the secrets gone.
    const [first, second, third, fourth, fifth] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown> & { msg?: string; err?: { stack?: string } });
    expect(out.lines).toHaveLength(5);
    expect(first).toMatchObject({
      msg: 'connected as [redacted]',
      resource: 'db',
      key: 'db/shop-20261122.sql.gz',
      job: {
        source: { dsn: 'mysql://reader:REDACTED@db.internal:3306/shop', conninfo: 'host=db port=5432 password=REDACTED dbname=shop' },
        levels: [{ deeper: { deepest: { db_password: '[redacted]', apiKey: '[redacted]', secretKey: '[redacted]', note: 'value [redacted] in a string' } } }],
      },
      headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]' },
      signingKey: '[redacted]',
    });
    expect(second).toMatchObject({
      msg: 'sandbox unreachable',
      resource: 'db',
      err: { type: 'Error', message: 'Access denied (password [redacted])', code: 'ER_ACCESS_DENIED', password: '[redacted]', cause: { message: 'login [redacted] refused' } },
    });
    expect(second!.err?.stack).toMatch(/^Error: Access denied \(password \[redacted\]\)\n {4}at /);
    expect(third).toMatchObject({ msg: 'Access denied (password [redacted])', err: { message: 'Access denied (password [redacted])' } });
    expect(fourth!.msg).toBe('redis://:REDACTED@redis.internal:6379/0 unreachable');
    expect(fifth).toMatchObject({ msg: 'step restore', job: 'j1', token: '[redacted]', who: 'user [redacted]', step: 'restore' });
  });

  it('the pretty format hides them too', async () => {
    await loadSecrets();
    const out = collector();
    const log = createLogger('pretty', 'info', { destination: out.destination });
    log.info({ nested: { password: 'pretty-pw-1', url: 'postgres://u:pretty-pw-2@h/db' } }, `as ${FILE_SECRET} with ${ENV_SECRET}`);
    const deadline = Date.now() + 5_000;
    while (!out.lines.join('').includes('\n') && Date.now() < deadline) await sleep(10);
    const text = out.lines.join('');
    expect(text).toMatch(/INFO.*as \[redacted\] with \[redacted\]/);
    expect(text).toContain('postgres://u:REDACTED@h/db');
    for (const secret of [ENV_SECRET, FILE_SECRET, 'pretty-pw-1', 'pretty-pw-2']) for (const f of forms(secret)) expect(text).not.toContain(f);
  });
});
