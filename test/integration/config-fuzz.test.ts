import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { useTmpDirs } from '../helpers/tmp.js';

/**
 * Property: whatever is done to the example estate, drills and schedules, loading the tree
 * either succeeds or throws a ConfigError whose every issue names one of the tree's files;
 * never another exception, never a crash, and memory stays bounded.
 */
const tmp = useTmpDirs();

type Tree = Record<string, string>;
let example: Tree;

beforeAll(async () => {
  example = { 'lifeboat.yaml': await readFile(path.join(REPO_ROOT, 'lifeboat.yaml'), 'utf8') };
  for (const folder of ['drills', 'schedules']) {
    for (const name of await readdir(path.join(REPO_ROOT, folder))) {
      example[`${folder}/${name}`] = await readFile(path.join(REPO_ROOT, folder, name), 'utf8');
    }
  }
});

const aliasBomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n');

/** Values a careless or hostile user might write anywhere. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '100000000000000000000000d',
    '0s',
    '1e400',
    '9'.repeat(400),
    '-1h',
    '36526d',
    '25d',
    'Mars/Olympus',
    '../../../../etc',
    '1-99999999999 * * * *',
    '*a*a*a*a*ab',
    '[z-a]',
    '/etc',
    '\0',
    '',
    ' ',
    '*',
    '"',
    'null',
    '~',
    '__proto__',
    'constructor',
    1e308,
    -1e308,
    2 ** 53 + 1,
    -0,
    0,
    -1,
    1.5,
    true,
    false,
    null,
    [],
    {},
    'x'.repeat(100_000),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.integer({ min: 1, max: 300 }).map((depth) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
    return v;
  }),
);

type Obj = Record<string, unknown>;
const children = (v: unknown): (string | number)[] => (Array.isArray(v) ? v.map((_, i) => i) : v && typeof v === 'object' ? Object.keys(v) : []);

/** Walks into the value by the given choices; returns the container and key of the last step. */
function pick(root: unknown, choices: number[]): { parent: Obj; key: string | number } | undefined {
  let parent: unknown;
  let key: string | number | undefined;
  let node = root;
  for (const c of choices) {
    const keys = children(node);
    if (!keys.length) break;
    parent = node;
    key = keys[c % keys.length]!;
    node = (node as Obj)[key];
  }
  return key === undefined ? undefined : { parent: parent as Obj, key };
}

type Mutation =
  | { kind: 'set'; file: number; at: number[]; value: unknown }
  | { kind: 'delete'; file: number; at: number[] }
  | { kind: 'add-key'; file: number; at: number[]; key: string; value: unknown }
  | { kind: 'text'; file: number; pos: number; insert: string }
  | { kind: 'truncate'; file: number; pos: number }
  | { kind: 'new-file'; name: string; text: string };

const fileIndex = fc.nat();
const at = fc.array(fc.nat(), { minLength: 1, maxLength: 6 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), file: fileIndex, at, value: weirdValue }),
  fc.record({ kind: fc.constant('delete' as const), file: fileIndex, at }),
  fc.record({ kind: fc.constant('add-key' as const), file: fileIndex, at, key: fc.string({ maxLength: 12 }), value: weirdValue }),
  fc.record({
    kind: fc.constant('text' as const),
    file: fileIndex,
    pos: fc.nat(),
    insert: fc.oneof(fc.constantFrom(`\n${aliasBomb}\n`, `\nz: ${'['.repeat(5000)}\n`, '\n---\n', '&x ', '*x', '\t', '\n  - - - -\n', '{', ': :', '!!binary x', '%YAML 1.1\n', '\uFEFF', '\n<<: *x\n'), fc.string({ unit: 'binary', maxLength: 20 })),
  }),
  fc.record({ kind: fc.constant('truncate' as const), file: fileIndex, pos: fc.nat() }),
  fc.record({
    kind: fc.constant('new-file' as const),
    name: fc.constantFrom('drills/bad name.yaml', 'drills/Upper.yaml', 'schedules/x.yml', 'drills/.hidden.yaml', 'drills/-.yaml'),
    text: fc.constantFrom('resource: shop-postgres\nsandbox: demo-pglite\n', '', 'job: freshness\ncron: "* * * * *"\n', '- 1\n', aliasBomb),
  }),
);

function mutate(base: Tree, mutations: Mutation[]): Tree {
  const tree = { ...base };
  const names = Object.keys(tree);
  for (const m of mutations) {
    if (m.kind === 'new-file') {
      tree[m.name] = m.text;
      continue;
    }
    const name = names[m.file % names.length]!;
    const text = tree[name]!;
    if (m.kind === 'text') tree[name] = text.slice(0, m.pos % (text.length + 1)) + m.insert + text.slice(m.pos % (text.length + 1));
    else if (m.kind === 'truncate') tree[name] = text.slice(0, m.pos % (text.length + 1));
    else {
      let data: unknown;
      try {
        data = parse(text);
      } catch {
        continue; // already broken by an earlier text mutation
      }
      const spot = pick(data, m.at);
      if (!spot) continue;
      if (m.kind === 'set') spot.parent[spot.key] = m.value;
      else if (m.kind === 'delete') delete spot.parent[spot.key];
      else if (spot.parent[spot.key] && typeof spot.parent[spot.key] === 'object' && !Array.isArray(spot.parent[spot.key])) (spot.parent[spot.key] as Obj)[m.key] = m.value;
      tree[name] = stringify(data, { aliasDuplicateObjects: false });
    }
  }
  return tree;
}

async function writeTree(dir: string, tree: Tree): Promise<string> {
  for (const [name, text] of Object.entries(tree)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return path.join(dir, 'lifeboat.yaml');
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

describe('fuzzing the example config tree', () => {
  it('loads or refuses with a located ConfigError, never another exception, with bounded memory', async () => {
    const root = await tmp();
    let run = 0;
    const outcomes = { loaded: 0, refused: 0 };
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    await fc.assert(
      fc.asyncProperty(mutations, async (ms) => {
        const dir = path.join(root, `run-${run++}`);
        const tree = mutate(example, ms);
        const estate = await writeTree(dir, tree);
        try {
          await loadConfig(estate);
          outcomes.loaded++;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          outcomes.refused++;
          expect(err.issues.length).toBeGreaterThan(0);
          for (const issue of err.issues) {
            const rel = path.relative(dir, path.resolve(issue.file));
            expect(Object.keys(tree).includes(rel) || rel === 'drills' || rel === 'schedules', `${issue.file} is one of the tree's files`).toBe(true);
            expect(issue.message.length).toBeGreaterThan(0);
            expect(issue.message.length).toBeLessThan(2_000);
          }
        }
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }),
      { numRuns: 200, seed: 20261202 },
    );
    // Some mutations are harmless (a deleted description), most are not: both paths are exercised.
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(rssPeak - rssBefore).toBeLessThan(512 * 1024 * 1024);
  }, 120_000);

  it('through the built CLI: exit 0, or exit 2 naming the file', async () => {
    // One known-hostile tree (it made the CLI exit 3 before), then random ones.
    const samples: Mutation[][] = [[{ kind: 'new-file', name: 'drills/bomb.yaml', text: aliasBomb }], ...fc.sample(mutations, { numRuns: 2, seed: 7 })];
    const results = await Promise.all(
      samples.map(async (ms) => {
        const dir = await tmp();
        const tree = mutate(example, ms);
        await writeTree(dir, tree);
        return runCli(['validate'], { cwd: dir, env: { LIFEBOAT_SANDBOX_PASSWORD: 'x' } });
      }),
    );
    for (const r of results) {
      expect([0, 2], r.stderr).toContain(r.code);
      if (r.code === 2) {
        const [head, ...lines] = r.stderr.trimEnd().split('\n');
        expect(head).toMatch(/^\d+ problems? in the configuration:$/);
        for (const line of lines) expect(line).toMatch(/^ {2}(lifeboat\.yaml|drills\/.+?\.ya?ml|schedules\/.+?\.ya?ml)(:\d+:\d+)? /);
      }
      expect(r.stderr).not.toMatch(/at .*\.js:\d+:\d+/);
    }
  }, 60_000);
});
