import { describe, expect, it } from 'vitest';
import { limitsFor, parseByteSize } from '../../src/config/index.js';
import { drillSchema } from '../../src/config/schemas/drill.js';
import { estateSchema } from '../../src/config/schemas/estate.js';
import { scheduleSchema } from '../../src/config/schemas/schedule.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { issuesFromZod } from '../../src/config/zod-issues.js';

/** Every problem in a YAML estate, as "line:column path: message". */
function estateIssues(yaml: string): string[] {
  const src = parseYamlSource('lifeboat.yaml', yaml);
  if (src.issues.length) return src.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
  const r = estateSchema.safeParse(src.data);
  return r.success ? [] : issuesFromZod(src, r.error).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

function drillIssues(yaml: string): string[] {
  const src = parseYamlSource('drills/d.yaml', yaml);
  if (src.issues.length) return src.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
  const r = drillSchema.safeParse(src.data);
  return r.success ? [] : issuesFromZod(src, r.error).map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

const estate = (resourceExtra: string, top = '') => `version: 1
${top}regions:
  bj: { kind: local, path: /data/bj }
resources:
  - id: shop
    kind: dump-dir
    region: bj
${resourceExtra}`;

const drill = (extra: string) => `resource: shop\nsandbox: pg\n${extra}`;

describe('durations have bounds', () => {
  it('refuses an rpo of 10^23 days written out in digits, naming line, column and field', () => {
    expect(estateIssues(estate('    path: shop\n    rpo: 100000000000000000000000d\n'))).toEqual(['9:10 resources[0].rpo: expected at most 100 years (36525d), got "100000000000000000000000d"']);
  });

  it('refuses digits too many for a number at all, and shows a long value cut short', () => {
    const [msg] = estateIssues(estate(`    path: shop\n    rpo: ${'9'.repeat(400)}d\n`));
    expect(msg).toMatch(/^9:10 resources\[0\]\.rpo: expected at most 100 years \(36525d\), got "9{60}…" \(401 characters\)$/);
  });

  it('accepts a century and no more', () => {
    expect(estateIssues(estate('    path: shop\n    rpo: 36525d\n'))).toEqual([]);
    expect(estateIssues(estate('    path: shop\n    rpo: 36524d24h1s\n'))).toHaveLength(1);
  });

  it('refuses a zero duration where zero means nothing, and accepts it where it does', () => {
    expect(drillIssues(drill('timeout: 0s\n'))).toEqual(['3:10 timeout: expected a duration above 0s, got "0s"']);
    expect(estateIssues(estate('    path: shop\n    rpo: 0m\n'))).toEqual(['9:10 resources[0].rpo: expected a duration above 0s, got "0m"']);
    expect(estateIssues(estate('    path: shop\n    grace: 0s\n'))).toEqual([]);
    expect(scheduleSchema.safeParse({ job: 'freshness', cron: '* * * * *', catchUp: '0s' }).success).toBe(true);
  });

  it('refuses a point-in-time before the epoch', () => {
    expect(drillIssues(drill('backup: { at: 0000-01-01T00:00:00Z }\n'))).toEqual(['3:15 backup.at: expected a time after 1970-01-01T00:00:00Z, got "0000-01-01T00:00:00Z"']);
    expect(drillIssues(drill('backup: { at: 2026-11-01T02:00:00Z }\n'))).toEqual([]);
  });

  it('refuses a drill timeout longer than a timer can wait (it would fire at once)', () => {
    expect(drillIssues(drill('timeout: 25d\n'))).toEqual(['3:10 timeout: expected at most 24d (the longest timer Node.js can set), got "25d"']);
    expect(drillIssues(drill('timeout: 24d\n'))).toEqual([]);
  });
});

describe('resource fields checked like their siblings', () => {
  it("checks nameTimeZone with Intl, like the schedules' time zone", () => {
    expect(estateIssues(estate('    path: shop\n    nameTimeZone: Mars/Olympus\n'))).toEqual(['9:19 resources[0].nameTimeZone: expected an IANA time zone such as Asia/Shanghai or UTC, got "Mars/Olympus"']);
    expect(estateIssues(estate('    path: shop\n    nameTimeZone: Asia/Shanghai\n'))).toEqual([]);
  });

  it('refuses a resource path that leaves its region, or is absolute', () => {
    expect(estateIssues(estate('    path: ../../../../etc\n'))).toEqual(['8:11 resources[0].path: expected a folder inside the region, got "../../../../etc", which leaves it']);
    expect(estateIssues(estate('    path: shop/../../x\n'))).toHaveLength(1);
    expect(estateIssues(estate('    path: /etc\n'))).toEqual(['8:11 resources[0].path: expected a folder relative to the region, got the absolute path "/etc"']);
    expect(estateIssues(estate('    path: shop/../orders\n'))).toEqual([]);
    expect(estateIssues(estate('    path: .\n'))).toEqual([]);
  });
});

describe('cron expressions node-cron cannot take safely', () => {
  it('refuses a range node-cron would expand into a billion-entry array (it aborted the process)', () => {
    const r = scheduleSchema.safeParse({ job: 'freshness', cron: '1-99999999999 * * * *' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^expected a cron expression with numbers of at most 2 digits .*got "1-99999999999 \* \* \* \*"$/)]);
    expect(drillSchema.safeParse({ resource: 'r', sandbox: 's', cadence: { cron: '0 0 1-100000000 * *' } }).success).toBe(false);
    expect(scheduleSchema.safeParse({ job: 'freshness', cron: '0 2 * * 1-5' }).success).toBe(true);
  });
});

describe('file-name patterns that would hang or break every sweep', () => {
  it('refuses more than 3 * (backtracking grows with each on long backup names) and an invalid [set]', () => {
    expect(estateIssues(estate('    path: shop\n    patterns: ["*a*a*a*a*ab"]\n'))).toEqual(['9:16 resources[0].patterns[0]: expected at most 3 * in a pattern (each one multiplies the matching work on long names), got "*a*a*a*a*ab"']);
    expect(estateIssues(estate('    path: shop\n    patterns: ["db-[z-a].sql"]\n'))).toEqual(['9:16 resources[0].patterns[0]: expected a valid [set] such as [0-9] or [ab], got [z-a] in "db-[z-a].sql"']);
    expect(estateIssues(estate('    path: shop\n    patterns: ["shop_*_*.sql.gz", "db-[0-9][0-9].dump"]\n'))).toEqual([]);
  });
});

describe('drill assertions and names', () => {
  it('refuses a row-count assertion whose min is above its max, at the min', () => {
    const issues = drillIssues(drill('checks:\n  assertions:\n    - name: orders\n      sql: SELECT count(*) FROM orders\n      min: 500\n      max: 10\n'));
    expect(issues).toEqual(['7:12 checks.assertions[0].min: expected min at most max, got min 500 and max 10']);
    expect(drillIssues(drill('checks:\n  assertions:\n    - { name: o, sql: SELECT 1, min: 5, max: 5 }\n'))).toEqual([]);
  });

  it('refuses a canary table that is not a plain name (it ends up in SQL)', () => {
    expect(drillIssues(drill('checks:\n  canary: { table: "t; DROP TABLE x" }\n'))).toHaveLength(1);
  });
});

describe('hostile YAML is an issue with its place, never a throw', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');

  it('refuses an alias bomb, located at an alias', () => {
    const src = parseYamlSource('lifeboat.yaml', bomb);
    expect(src.data).toBeUndefined();
    expect(src.issues).toEqual([expect.objectContaining({ file: 'lifeboat.yaml', line: 2, message: expect.stringMatching(/YAML: aliases expand to too much data/) })]);
  });

  it('refuses an alias to an anchor that is never set', () => {
    const src = parseYamlSource('f.yaml', 'a: &x 1\nb: *x\nc: *nowhere\n');
    expect(src.issues).toEqual([expect.objectContaining({ line: 3, column: 4, message: expect.stringMatching(/YAML: .*nowhere/) })]);
  });

  it('refuses nesting deeper than any config needs, block or flow, without running out of stack', () => {
    const flow = parseYamlSource('f.yaml', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(flow.issues).toEqual([expect.objectContaining({ line: 1, column: 68, message: 'YAML: nested more than 64 levels deep' })]);
    const compact = parseYamlSource('f.yaml', `a:\n${'- '.repeat(100)}x\n`);
    expect(compact.issues).toEqual([expect.objectContaining({ line: 2, message: 'YAML: nested more than 64 levels deep' })]);
    expect(parseYamlSource('f.yaml', `a: ${'['.repeat(60)}1${']'.repeat(60)}`).issues).toEqual([]);
  });

  it("refuses indentation no config needs (this shape once aborted the process inside V8's regexp compiler)", () => {
    const block = `a:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}x\n`;
    expect(parseYamlSource('f.yaml', block).issues).toEqual([expect.objectContaining({ line: 258, column: 257, message: 'YAML: indented more than 256 columns' })]);
  });

  it('refuses more tokens than the budget before building anything, quickly', () => {
    const text = `a: [${'1,'.repeat(2_000_000)}1]`;
    const started = performance.now();
    const src = parseYamlSource('f.yaml', text, limitsFor(4 * 1024 * 1024));
    expect(src.issues).toEqual([expect.objectContaining({ file: 'f.yaml', message: expect.stringMatching(/^YAML: more than 262144 tokens/) })]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('names a duplicate key with both lines, and finds it in linear time', () => {
    expect(parseYamlSource('f.yaml', 'a: 1\nb: 2\na: 3\n').issues).toEqual([expect.objectContaining({ line: 3, column: 1, message: 'YAML: duplicate key "a" (first at line 1): a key may appear once in a mapping' })]);
    const many = Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n');
    const started = performance.now();
    expect(parseYamlSource('f.yaml', `${many}\nk7: 2\n`).issues).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('refuses a second document instead of ignoring it', () => {
    expect(parseYamlSource('f.yaml', 'a: 1\n---\nb: 2\n').issues).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/more than one document/) })]);
  });
});

describe('size limit setting', () => {
  it('reads sizes as users write them', () => {
    expect(parseByteSize('4194304')).toBe(4_194_304);
    expect(parseByteSize('512K')).toBe(512 * 1024);
    expect(parseByteSize('16MiB')).toBe(16 * 1024 * 1024);
    expect(parseByteSize('lots')).toBeUndefined();
    expect(parseByteSize('0')).toBeUndefined();
  });
});
