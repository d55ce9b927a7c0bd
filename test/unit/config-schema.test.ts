import { describe, expect, it } from 'vitest';
import { estateSchema } from '../../src/config/schemas/estate.js';
import { scheduleSchema } from '../../src/config/schemas/schedule.js';
import { drillSchema } from '../../src/config/schemas/drill.js';
import { jsonSchemaFor } from '../../src/config/index.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { issuesFromZod } from '../../src/config/zod-issues.js';

const estate = (extra: object = {}) => ({
  version: 1,
  regions: { bj: { kind: 'local', path: '/data/bj' } },
  resources: [{ id: 'shop', kind: 'dump-dir', region: 'bj', path: 'shop', rpo: '24h' }],
  ...extra,
});

describe('estate schema', () => {
  it('accepts a minimal estate and turns durations into milliseconds', () => {
    const e = estateSchema.parse(estate());
    expect(e.resources[0]!.rpo).toBe(86_400_000);
  });

  it('rejects unknown keys so typos cannot pass silently', () => {
    const r = estateSchema.safeParse({ ...estate(), resourcez: [] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.code)).toContain('unrecognized_keys');
  });

  it('refuses a literal secret and says what to write instead', () => {
    const r = estateSchema.safeParse(estate({ credentials: { db: { kind: 'database', user: 'u', password: 'hunter2' } } }));
    expect(r.success).toBe(false);
    const msg = r.error!.issues.map((i) => i.message).join('\n');
    expect(msg).toMatch(/literal secret is not allowed/);
    expect(msg).not.toContain('hunter2');
  });

  it('accepts secrets by environment variable or file', () => {
    const ok = estateSchema.safeParse(estate({ credentials: { db: { kind: 'database', user: { env: 'U' }, password: { file: '/run/secrets/db' } }, tc: { kind: 'tencent', secretId: { env: 'A' }, secretKey: { env: 'B' } } } }));
    expect(ok.success).toBe(true);
  });

  it('rejects an unknown resource kind', () => {
    const r = estateSchema.safeParse(estate({ resources: [{ id: 'x', kind: 'tape', region: 'bj', path: 'p' }] }));
    expect(r.success).toBe(false);
  });
});

describe('schedule schema', () => {
  it('accepts cron with and without seconds, with a time zone', () => {
    expect(scheduleSchema.safeParse({ job: 'freshness', cron: '*/5 * * * *', timezone: 'Asia/Shanghai' }).success).toBe(true);
    expect(scheduleSchema.safeParse({ job: 'freshness', cron: '*/30 * * * * *' }).success).toBe(true);
  });

  it('rejects a bad cron, a bad zone and an unknown job with clear words', () => {
    const msgs = (v: object) =>
      scheduleSchema
        .safeParse(v)
        .error!.issues.map((i) => i.message)
        .join('\n');
    expect(msgs({ job: 'freshness', cron: '61 * * * *' })).toMatch(/expected a cron expression/);
    expect(msgs({ job: 'freshness', cron: '* * * * *', timezone: 'Mars/Base' })).toMatch(/IANA time zone/);
    expect(msgs({ job: 'backup', cron: '* * * * *' })).toMatch(/expected job: freshness, drill, copy, copy-verify, scrub, canary or demo-backups/);
  });

  it('needs a drill name for drill jobs', () => {
    expect(scheduleSchema.safeParse({ job: 'drill', cron: '0 3 1 * *' }).success).toBe(false);
  });
});

describe('drill schema', () => {
  it('knows the backup selectors', () => {
    for (const backup of ['latest', { 'latest-in-region': 'sh' }, { 'random-within': '30d' }, { at: '2026-11-01T02:00:00Z' }]) {
      expect(drillSchema.safeParse({ resource: 'r', sandbox: 's', backup }).success, JSON.stringify(backup)).toBe(true);
    }
    expect(drillSchema.safeParse({ resource: 'r', sandbox: 's', backup: 'newest' }).success).toBe(false);
  });
});

describe('located errors', () => {
  it('points at the line and column of the bad value, and of an unknown key', () => {
    const src = parseYamlSource('lifeboat.yaml', 'version: 1\nregions:\n  bj: { kind: local, path: /x }\nresources:\n  - id: a\n    kind: dump-dir\n    region: bj\n    path: p\n    rpo: 1 day\n    rpoo: 1h\n');
    const r = estateSchema.safeParse(src.data);
    const issues = issuesFromZod(src, r.error!);
    expect(issues).toContainEqual(expect.objectContaining({ line: 9, column: 10, path: 'resources[0].rpo' }));
    expect(issues).toContainEqual(expect.objectContaining({ line: 10, column: 5, path: 'resources[0].rpoo', message: expect.stringMatching(/unknown field "rpoo"/) }));
  });

  it('reports YAML syntax errors with a position', () => {
    const src = parseYamlSource('f.yaml', 'a: [1, 2\nb: 3\n');
    expect(src.issues.length).toBeGreaterThan(0);
    expect(src.issues[0]!.line).toBeGreaterThan(0);
  });
});

describe('JSON Schema output', () => {
  it('describes each file kind for editors, durations as strings', () => {
    const s = jsonSchemaFor('estate') as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['regions', 'resources', 'sandboxes', 'alertRoutes']));
    expect(s.additionalProperties).toBe(false);
    expect(JSON.stringify(jsonSchemaFor('schedule'))).toContain('freshness');
    expect(JSON.stringify(jsonSchemaFor('drill'))).toContain('latest-in-region');
  });
});
