import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drills/index.js';
import { sandboxNames } from '../../src/providers/index.js';
import { PASSING_SCORE } from '../../src/scoring/index.js';
import { sandboxLeftovers, tempMariaDb } from '../helpers/databases.js';
import { drillEstate, drillRuntime, estatePrefix, placeDump, run } from '../helpers/drill-estate.js';
import { fillMaria } from '../helpers/fixtures.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/** Corrupted data restored fast and recent used to score 95-99, like a pass. */
describe('a drill restoring corrupted data scores below every pass (real MariaDB)', () => {
  let src: Awaited<ReturnType<typeof tempMariaDb>>;
  let dump: string;

  beforeAll(async () => {
    src = await tempMariaDb();
    await fillMaria(src.conn);
    dump = (await run('mysqldump', ['-h127.0.0.1', '-uroot', '--routines', '--triggers', '--single-transaction', src.name], { maxBuffer: 1 << 28, encoding: 'buffer' })).stdout.toString('latin1');
  });
  afterAll(async () => {
    await src?.drop();
  });

  it('one value changed: the checksum check fails, completeness misses its target, the score is under 60', async () => {
    const dir = await tmp();
    await drillEstate(dir);
    const file = await placeDump(dir, 'db.sql', Buffer.from(dump, 'latin1'), { dsn: `mysql://root@127.0.0.1:3306/${src.name}` });
    const manifest = JSON.parse(await readFile(`${file}.manifest.json`, 'utf8')) as Record<string, unknown>;
    // The same dump with one value changed, its manifest still describing the original data.
    await writeFile(file, Buffer.from(dump.replace("'plain'", "'plane'"), 'latin1'));
    await writeFile(`${file}.manifest.json`, JSON.stringify({ ...manifest, size: undefined, sha256: undefined }));
    const { rt } = await drillRuntime(`${dir}/lifeboat.yaml`);
    const r = await runDrill('to-maria', rt);
    expect(r.error).toBeUndefined();
    expect(r.phase).toBe('partially-failed');
    expect(r.checks!.filter((c) => !c.passed).map((c) => `${c.kind}:${c.name}`)).toEqual(['checksum:items']);
    const s = r.score!;
    expect(s).toMatchObject({ passed: false, rto: { passed: true }, rpo: { passed: true }, completeness: { passed: false } });
    // Everything else was perfect: the old formula gave 60 + 40 × completeness.
    expect(60 + 40 * s.completeness.achieved!).toBeGreaterThan(90);
    expect(s.score).toBeLessThan(PASSING_SCORE);
    // This run's database and user are gone: they were there (named as the provision step says), and nothing of this estate is left.
    const mine = sandboxNames('to-maria', r.runId, estatePrefix(dir));
    expect(r.steps.find((x) => x.name === 'provision')!.details).toEqual({ database: mine.database, user: mine.user });
    expect(await sandboxLeftovers('maria', estatePrefix(dir))).toEqual([]);
  });
});
