import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createSigner, parsePrivateKey, parsePublicKey } from '../../src/ledger/index.js';
import { hashRecord } from '../../src/ledger/record.js';
import { runCli } from '../helpers/cli.js';
import { writeDump, writeEstate } from '../helpers/estate.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
const res = (id: string) => `  - id: ${id}\n    kind: dump-dir\n    region: local\n    path: ${id}\n    rpo: 24h\n`;
const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const writeLines = (file: string, rs: Record<string, unknown>[]) => writeFile(file, rs.map((r) => `${JSON.stringify(r)}\n`).join(''));

/** An estate whose ledger is signed with a fresh key from `ledger keygen`, with three records written by `check`. */
async function sealedEstate() {
  const dir = await tmp();
  const gen = await runCli(['ledger', 'keygen', '--out', 'ledger.key'], { cwd: dir });
  expect(gen.code).toBe(0);
  const publicKey = /publicKey: (\S+)/.exec(gen.stdout)![1]!;
  const privatePem = await readFile(path.join(dir, 'ledger.key'), 'utf8');
  await writeEstate(dir, res('a') + res('b') + res('c'));
  const estate = path.join(dir, 'lifeboat.yaml');
  const text = await readFile(estate, 'utf8');
  await writeFile(estate, text.replace('ledger: { dir: ledger }', `ledger: { dir: ledger, publicKey: ${publicKey}, signingKey: { file: ledger.key }, witness: { kind: dir, path: witness } }`));
  await writeDump(dir, 'a', 'a.sql', { at: hoursAgo(1) });
  const check = await runCli(['check'], { cwd: dir });
  expect(check.code).toBe(1);
  return { dir, publicKey, privatePem, file: path.join(dir, 'ledger/ledger.jsonl'), check };
}

describe('ledger keygen', () => {
  it('asks where the private key goes; writes it 0600 and never prints it', async () => {
    const dir = await tmp();
    expect((await runCli(['ledger', 'keygen'], { cwd: dir })).code).toBe(2);
    const r = await runCli(['ledger', 'keygen', '--out', 'k.pem'], { cwd: dir });
    expect(r.code).toBe(0);
    const pem = await readFile(path.join(dir, 'k.pem'), 'utf8');
    expect(pem).toMatch(/BEGIN PRIVATE KEY/);
    expect((await stat(path.join(dir, 'k.pem'))).mode & 0o777).toBe(0o600);
    const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    expect(r.stdout + r.stderr).not.toContain(body);
    expect(r.stdout).toMatch(/publicKey: MCowBQYDK2VwAyEA\S+/);
    expect(r.stdout).toMatch(/signingKey: \{ file: /);
    expect((await runCli(['ledger', 'keygen', '--out', 'k.pem'], { cwd: dir })).code).toBe(2);
    // Asked for on stdout: one line that is the pair of the printed public key.
    const printed = JSON.parse((await runCli(['ledger', 'keygen', '--print-private-key', '--json'], { cwd: dir })).stdout) as { publicKey: string; privateKey: string };
    const pub = parsePublicKey(printed.publicKey);
    expect(() => createSigner(parsePrivateKey(printed.privateKey, 'stdout'), pub, 'stdout')).not.toThrow();
  });
});

describe('ledger keys in the estate', () => {
  it('refuses a malformed public key, a signing key without one, and a private key that is not its pair (exit 2)', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a'));
    const estate = path.join(dir, 'lifeboat.yaml');
    const base = await readFile(estate, 'utf8');
    const withLedger = (block: string) => writeFile(estate, base.replace('ledger: { dir: ledger }', `ledger: { dir: ledger, ${block} }`));
    await withLedger('publicKey: not-a-key');
    const bad = await runCli(['validate'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/lifeboat\.yaml:2:\d+.*ledger\.publicKey.*expected an ed25519 public key/s);
    await withLedger('signingKey: { env: LIFEBOAT_LEDGER_KEY }');
    const orphan = await runCli(['validate'], { cwd: dir });
    expect(orphan.code).toBe(2);
    expect(orphan.stdout + orphan.stderr).toMatch(/ledger\.signingKey needs ledger\.publicKey/);
    const one = /publicKey: (\S+)/.exec((await runCli(['ledger', 'keygen', '--out', 'one.key'], { cwd: dir })).stdout)![1]!;
    await runCli(['ledger', 'keygen', '--out', 'two.key'], { cwd: dir });
    await withLedger(`publicKey: ${one}, signingKey: { file: two.key }`);
    const mismatch = await runCli(['check'], { cwd: dir });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/the private key in ledger\.signingKey \(file two\.key\) is not the pair of ledger\.publicKey/);
    expect(mismatch.stderr).not.toContain((await readFile(path.join(dir, 'two.key'), 'utf8')).split('\n')[1]!);
  });
});

describe('ledger keys in validate', () => {
  it('warns (exit 0) when the signing key cannot be read on this machine, naming the variable, not a value', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a'));
    const publicKey = /publicKey: (\S+)/.exec((await runCli(['ledger', 'keygen', '--out', 'k.pem'], { cwd: dir })).stdout)![1]!;
    const estate = path.join(dir, 'lifeboat.yaml');
    await writeFile(estate, (await readFile(estate, 'utf8')).replace('ledger: { dir: ledger }', `ledger: { dir: ledger, publicKey: ${publicKey}, signingKey: { env: LB_TEST_LEDGER_KEY } }`));
    const r = await runCli(['validate'], { cwd: dir, env: { LB_TEST_LEDGER_KEY: undefined } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: ledger\.signingKey: environment variable LB_TEST_LEDGER_KEY is not set/);
  });
});

describe('ledger verify on a sealed ledger', () => {
  it('says what it checked: records, signatures, head seal, witness; the key never appears in output', async () => {
    const { dir, privatePem, check } = await sealedEstate();
    const r = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ledger ok: 3 records/);
    expect(r.stdout).toMatch(/records: +3 read/);
    expect(r.stdout).toMatch(/signatures: 3 of 3 signed record\(s\) verify against key [0-9a-f]{16}/);
    expect(r.stdout).toMatch(/head seal: +#3 sealed \S+, valid/);
    expect(r.stdout).toMatch(/witness: +\S+ledger-seal\.json: #3 sealed \S+, valid/);
    const body = privatePem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    for (const out of [r.stdout, r.stderr, check.stdout, check.stderr]) expect(out).not.toContain(body);
  });

  it('fails a record appended with a correctly recomputed hash', async () => {
    const { dir, file } = await sealedEstate();
    const rs = await lines(file);
    const forged: Record<string, unknown> = { seq: 4, at: new Date().toISOString(), type: 'drill.finished', subject: 'x', data: { passed: true }, prev: rs[2]!.hash };
    forged.hash = hashRecord(forged as never);
    await writeLines(file, [...rs, forged]);
    const r = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/line 4: unsigned: record #4 at line 4 is not signed, but records are signed from #1 on/);
  });

  it('detects the last records removed, with head.json put back to an earlier seal', async () => {
    const { dir, file } = await sealedEstate();
    const early = await readFile(path.join(dir, 'ledger/head.json'), 'utf8');
    await writeDump(dir, 'b', 'b.sql', { at: hoursAgo(1) });
    await runCli(['check'], { cwd: dir });
    const rs = await lines(file);
    expect(rs.length).toBeGreaterThan(3);
    await writeLines(file, rs.slice(0, 3));
    await writeFile(path.join(dir, 'ledger/head.json'), early);
    const r = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`truncated: records after #3 up to #${rs.length} are missing: the witness`));
    // And nothing more is chained onto the cut ledger (c's new backup is a change worth a record).
    await writeDump(dir, 'c', 'c.sql', { at: hoursAgo(1) });
    const again = await runCli(['check'], { cwd: dir });
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/records were removed/);
  });

  it('--dir checks a copied ledger folder with --public-key and --witness, no estate needed', async () => {
    const { dir, publicKey, file } = await sealedEstate();
    const args = ['ledger', 'verify', '--dir', path.join(dir, 'ledger'), '--public-key', publicKey, '--witness', path.join(dir, 'witness')];
    const ok = await runCli(args, { cwd: await tmp() });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/signatures: 3 of 3 signed/);
    await writeLines(file, (await lines(file)).slice(0, 2));
    await rm(path.join(dir, 'ledger/head.json'));
    const cut = await runCli(args, { cwd: await tmp() });
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/truncated: records after #2 up to #3 are missing: the witness/);
  });

  it('detects a deleted head file', async () => {
    const { dir } = await sealedEstate();
    await rm(path.join(dir, 'ledger/head.json'));
    const r = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/head-missing: the head seal \(\S+head\.json\) is missing/);
  });

  it.each([
    ['missing', (d: string) => rm(path.join(d, 'ledger'), { recursive: true })],
    [
      'empty',
      async (d: string) => {
        await rm(path.join(d, 'ledger'), { recursive: true });
        await mkdir(path.join(d, 'ledger'));
      },
    ],
  ])('exits 1 when the ledger folder is %s but the witness says records were written', async (_name, wipe) => {
    const { dir } = await sealedEstate();
    await wipe(dir);
    const r = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ledger BROKEN/);
    expect(r.stdout).toMatch(/truncated: records after #0 up to #3 are missing: the witness/);
    expect(r.stdout).toMatch(/witness: +\S+ledger-seal\.json: #3/);
  });

  it('without any key, still finds an emptied ledger through the default witness in the state folder', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a'));
    await runCli(['check'], { cwd: dir });
    await rm(path.join(dir, 'ledger'), { recursive: true });
    const r = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/signatures: not checked: no ledger\.publicKey configured/);
    expect(r.stdout).toMatch(/truncated: records after #0 up to #1 are missing/);
  });

  it('a new estate with no ledger yet: exit 0, and says there was nothing to check', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a'));
    const r = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ledger empty: no records in \S+, and nothing says any were written/);
    expect(r.stdout).toMatch(/witness: +\S+ledger-seal\.json: empty/);
  });

  it('keeps an old unsigned ledger verifiable, with a clear unsigned status, once a key is configured', async () => {
    const dir = await tmp();
    await writeEstate(dir, res('a'));
    await runCli(['check'], { cwd: dir });
    const gen = await runCli(['ledger', 'keygen', '--out', 'ledger.key'], { cwd: dir });
    const publicKey = /publicKey: (\S+)/.exec(gen.stdout)![1]!;
    const estate = path.join(dir, 'lifeboat.yaml');
    await writeFile(estate, (await readFile(estate, 'utf8')).replace('ledger: { dir: ledger }', `ledger: { dir: ledger, publicKey: ${publicKey}, signingKey: { file: ledger.key } }`));
    const before = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/signatures: status unsigned: no record is signed/);
    await writeDump(dir, 'a', 'a.sql', { at: hoursAgo(1) });
    await runCli(['check'], { cwd: dir });
    const after = await runCli(['ledger', 'verify'], { cwd: dir });
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/signatures: 1 of 1 signed record\(s\) verify against key \S+; 1 unsigned/);
    expect(after.stdout).toMatch(/note: records before #2 were written before signing began/);
  });
});

describe('commands close what they opened', () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const p of prefixes) {
      const found = await redis.keys(`${p}*`);
      if (found.length) await redis.del(...found);
    }
    await redis.quit();
  });

  it('copy run and copy status exit promptly with the Redis ledger', async () => {
    const dir = await tmp();
    const key = `lbtest-${randomBytes(4).toString('hex')}`;
    prefixes.push(key);
    await writeEstate(dir, res('a'), `copies:\n  - { name: off, resources: [a], to: [other], keep: 1, lag: 1d }\n`);
    const estate = path.join(dir, 'lifeboat.yaml');
    await writeFile(estate, (await readFile(estate, 'utf8')).replace('ledger: { dir: ledger }', `ledger: { backend: redis, key: "${key}:ledger" }`));
    await writeDump(dir, 'a', 'a.sql', { at: hoursAgo(1) });
    const env = { REDIS_URL: 'redis://127.0.0.1:6379' };
    for (const args of [
      ['copy', 'run'],
      ['copy', 'status'],
    ]) {
      const started = Date.now();
      const r = await runCli(args, { cwd: dir, env });
      expect({ args, code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
      expect(Date.now() - started).toBeLessThan(20_000);
    }
    // The copy run's one record, in the Redis ledger: copy status writes nothing.
    const records = (await redis.lrange(`${key}:ledger:records`, 0, -1)).map((r) => JSON.parse(r) as { seq: number; type: string; subject: string; data: { verified?: boolean } });
    expect(records.map((r) => [r.seq, r.type, r.subject, r.data.verified])).toEqual([[1, 'copy.completed', 'a', true]]);
  }, 90_000);
});
