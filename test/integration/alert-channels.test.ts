import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alertBookOver, alertChannels, createAlertEngine, verifyDelivery, webhookPayloadSchema, type AlertEngine } from '../../src/alerts/index.js';
import type { LoadedConfig } from '../../src/config/index.js';
import { estateSchema } from '../../src/config/schemas/estate.js';
import { fixedClock, silentLogger } from '../../src/domain/index.js';
import { createFileStateStore, type StateStore } from '../../src/state/index.js';
import { useReceivers } from '../helpers/receiver.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();
const receiver = useReceivers();
const T0 = '2026-12-02T10:00:00.000Z';
const SECRETS = { HOOK_SECRET: 'whsec-9f8e7d', HOOK_TOKEN: 'tok-1a2b3c', WECOM_KEY: 'wecom-key-5566', DING_TOKEN: 'ding-tok-7788', DING_SECRET: 'SECding-9900', PD_KEY: 'pd-routing-key-1234' };

function configFor(routes: Record<string, unknown>, resources: string[], extra: Record<string, unknown> = {}): LoadedConfig {
  const estate = estateSchema.parse({
    version: 1,
    regions: { a: { kind: 'local', path: 'a' } },
    alertRoutes: routes,
    resources: resources.map((id, i) => ({ id, kind: 'dump-dir', region: 'a', path: id, rpo: '1d', owner: 'team-shop', alertRoute: Object.keys(routes)[i % Object.keys(routes).length] })),
    ...extra,
  });
  return {
    estate,
    drills: new Map(),
    resources: new Map(estate.resources.map((r) => [r.id, r])),
    schedules: new Map(),
    baseDir: '/nowhere',
    stateDir: '/nowhere',
    ledgerDir: '/nowhere',
    estateFile: '/nowhere/lifeboat.yaml',
    regionRoots: new Map(),
  } as unknown as LoadedConfig;
}

async function setup(config: LoadedConfig, o: { sendTimeoutMs?: number; env?: Record<string, string> } = {}) {
  const dir = await tmp();
  const state: StateStore = createFileStateStore(dir);
  const clock = fixedClock(T0);
  const engine: AlertEngine = createAlertEngine({
    config,
    clock,
    logger: silentLogger,
    book: alertBookOver(state.alerts),
    runs: state.runs,
    freshness: state.freshness,
    copies: state.copies,
    channel: await alertChannels(config, { ...SECRETS, ...o.env }),
    retry: { baseMs: 1000, maxMs: 60_000, random: () => 1 },
    sendTimeoutMs: o.sendTimeoutMs,
  });
  const setStatus = (subject: string, status: string, reason = `${subject} is ${status}`) =>
    state.freshness.update(async (s) => ({
      state: { ...s, [subject]: { status, since: clock.now().toISOString(), reason, checkedAt: clock.now().toISOString(), day: { date: T0.slice(0, 10), checks: 1, byStatus: {}, worst: status } } } as never,
      value: undefined,
    }));
  return { state, clock, engine, setStatus, cycle: async () => (await engine.evaluate(), await engine.dispatch()) };
}

describe('alert channels against real receivers', () => {
  it('generic webhook: the documented body, signed over timestamp and body, with the bearer token', async () => {
    const rx = await receiver();
    const config = configFor({ hook: { kind: 'webhook', url: `${rx.url}/in`, secret: { env: 'HOOK_SECRET' }, token: { env: 'HOOK_TOKEN' }, groupWait: '0s' } }, ['billing']);
    const t = await setup(config);
    await t.setStatus('billing', 'stale', 'newest usable backup is 3d old');
    const [sent] = await t.cycle();
    expect(sent).toMatchObject({ route: 'hook', result: { ok: true } });
    expect(rx.received).toHaveLength(1);
    const r = rx.received[0]!;
    expect(r).toMatchObject({ method: 'POST', url: '/in', headers: { authorization: `Bearer ${SECRETS.HOOK_TOKEN}`, 'content-type': 'application/json' } });
    expect(verifyDelivery(r.body, r.headers, SECRETS.HOOK_SECRET, t.clock.now())).toMatchObject({ ok: true, signed: true });
    const body = webhookPayloadSchema.parse(r.json);
    expect(body).toMatchObject({
      route: 'hook',
      status: 'firing',
      title: 'backup of billing is stale: newest usable backup is 3d old',
      alerts: [{ fingerprint: 'backup-stale:billing', reason: 'firing', severity: 'critical', labels: { resource: 'billing', owner: 'team-shop' } }],
    });
    expect(r.headers['x-lifeboat-delivery']).toBe(body.id);
  });

  it('WeCom robot: markdown within 4096 bytes however many alerts, the key only in the URL; an errcode is a final refusal', async () => {
    const rx = await receiver({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    const ids = Array.from({ length: 120 }, (_, i) => `db-${i}`);
    const config = configFor({ wecom: { kind: 'wecom', key: { env: 'WECOM_KEY' }, url: `${rx.url}/cgi-bin/webhook/send`, groupWait: '0s' } }, ids);
    const t = await setup(config);
    // Reasons in Chinese: three bytes a character, so a cut on characters, not bytes, would overflow.
    for (const id of ids) await t.setStatus(id, 'missing', `在 a/${id} 中没有备份文件`);
    const [sent] = await t.cycle();
    expect(sent!.result.ok).toBe(true);
    const r = rx.received[0]!;
    expect(r.url).toBe(`/cgi-bin/webhook/send?key=${SECRETS.WECOM_KEY}`);
    const body = r.json as { msgtype: string; markdown: { content: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content.startsWith('**120 backups missing for team-shop**')).toBe(true);
    expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096);
    expect(body.markdown.content).toMatch(/… \(cut: run lifeboat alerts for the rest\)$/);

    // A wrong key: WeCom answers 200 with an error code. Dead at once, and the key is not in the reason.
    rx.answer({ status: 200, body: `{"errcode":93000,"errmsg":"invalid webhook url, key ${SECRETS.WECOM_KEY}"}` });
    await t.setStatus('db-0', 'fresh');
    t.clock.advance(1000);
    const [refused] = await t.cycle();
    expect(refused!.result).toMatchObject({ ok: false, retry: false });
    const book = await alertBookOver(t.state.alerts).read();
    expect(Object.values(book.outbox).find((n) => n.state === 'dead')!.lastError).toBe('HTTP 200: {"errcode":93000,"errmsg":"invalid webhook url, key [redacted]"} (errcode 93000: invalid webhook url, key [redacted])');
  });

  it('DingTalk robot: the URL signed with timestamp and secret as DingTalk checks it, markdown with a title', async () => {
    const rx = await receiver({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    const config = configFor({ ding: { kind: 'dingtalk', accessToken: { env: 'DING_TOKEN' }, secret: { env: 'DING_SECRET' }, url: `${rx.url}/robot/send`, groupWait: '0s' } }, ['billing']);
    const t = await setup(config);
    await t.setStatus('billing', 'failing', 'gzip truncated');
    await t.cycle();
    const u = new URL(rx.received[0]!.url, rx.url);
    expect(u.pathname).toBe('/robot/send');
    expect(u.searchParams.get('access_token')).toBe(SECRETS.DING_TOKEN);
    expect(u.searchParams.get('timestamp')).toBe(String(Date.parse(T0)));
    // As DingTalk recomputes it: HmacSHA256(secret, timestamp + "\n" + secret), base64.
    expect(u.searchParams.get('sign')).toBe(
      createHmac('sha256', SECRETS.DING_SECRET)
        .update(`${Date.parse(T0)}\n${SECRETS.DING_SECRET}`)
        .digest('base64'),
    );
    expect(rx.received[0]!.json).toMatchObject({ msgtype: 'markdown', markdown: { title: 'backup of billing is failing: gzip truncated', text: expect.stringContaining('**[CRITICAL]** backup of billing is failing') } });
  });

  it('Slack incoming webhook: Block Kit header and a section per alert, plain text as the fallback', async () => {
    const rx = await receiver({ status: 200, body: 'ok' });
    const config = configFor({ slack: { kind: 'slack', webhookUrl: { env: 'SLACK_URL' }, groupWait: '0s' } }, ['billing', 'crm']);
    const t = await setup(config, { env: { SLACK_URL: `${rx.url}/services/T000/B000/XXXX` } });
    await t.setStatus('billing', 'stale', 'old & <b>');
    await t.setStatus('crm', 'missing', 'none');
    await t.cycle();
    const body = rx.received[0]!.json as { text: string; blocks: { type: string; text: { type: string; text: string } }[] };
    expect(rx.received[0]!.url).toBe('/services/T000/B000/XXXX');
    expect(body.blocks.map((b) => [b.type, b.text.type])).toEqual([
      ['header', 'plain_text'],
      ['section', 'mrkdwn'],
      ['section', 'mrkdwn'],
    ]);
    expect(body.blocks[0]!.text.text).toBe('2 alerts for team-shop');
    expect(body.blocks[1]!.text.text).toBe('*[CRITICAL]* backup of billing is stale: old &amp; &lt;b&gt;\n• since: 2026-12-02T10:00:00.000Z\n• target: RPO 1d\n• region: a\n• lastChecked: 2026-12-02T10:00:00.000Z');
    expect(body.text).toMatch(/^2 alerts for team-shop\n/);
  });

  it('PagerDuty Events v2: trigger with dedup_key = fingerprint and the severity, then resolve with the same key', async () => {
    const rx = await receiver({ status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"x"}' });
    const config = configFor({ pd: { kind: 'pagerduty', routingKey: { env: 'PD_KEY' }, url: `${rx.url}/v2/enqueue`, groupWait: '0s' } }, ['billing']);
    const t = await setup(config);
    await t.setStatus('billing', 'stale');
    await t.cycle();
    await t.setStatus('billing', 'fresh');
    t.clock.advance(60_000);
    await t.cycle();
    expect(rx.received.map((r) => r.json)).toEqual([
      {
        routing_key: SECRETS.PD_KEY,
        event_action: 'trigger',
        dedup_key: 'backup-stale:billing',
        payload: {
          summary: 'backup of billing is stale: billing is stale',
          source: 'lifeboat',
          severity: 'critical',
          timestamp: T0,
          component: 'billing',
          group: 'team-shop',
          class: 'backup-stale',
          custom_details: { since: T0, target: 'RPO 1d', region: 'a', lastChecked: T0, runbook: null },
        },
      },
      { routing_key: SECRETS.PD_KEY, event_action: 'resolve', dedup_key: 'backup-stale:billing' },
    ]);
  });

  it('Alertmanager API v2: labels and annotations, endsAt ahead while firing, endsAt now on resolve', async () => {
    const rx = await receiver({ status: 200, body: '' });
    const config = configFor({ am: { kind: 'alertmanager', url: rx.url, groupWait: '0s' } }, ['billing']);
    const t = await setup(config);
    await t.setStatus('billing', 'stale');
    await t.cycle();
    // Told again every minute while firing, so Alertmanager does not let it lapse.
    t.clock.advance(60_000);
    await t.cycle();
    await t.setStatus('billing', 'fresh');
    t.clock.advance(5_000);
    await t.cycle();
    expect(rx.received.map((r) => r.url)).toEqual(['/api/v2/alerts', '/api/v2/alerts', '/api/v2/alerts']);
    const [first, , resolved] = rx.received.map((r) => (r.json as { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }[])[0]!);
    expect(first).toMatchObject({
      labels: { alertname: 'backup-stale', severity: 'critical', subject: 'billing', resource: 'billing', owner: 'team-shop', source: 'lifeboat' },
      annotations: { summary: 'backup of billing is stale: billing is stale' },
      startsAt: T0,
      endsAt: '2026-12-02T10:04:00.000Z',
    });
    expect(resolved!.endsAt).toBe('2026-12-02T10:01:05.000Z');
  });

  it('retries on 500, on 429 after its Retry-After, on no answer; delivers when the receiver comes back, once', async () => {
    const rx = await receiver();
    rx.answer({ status: 500, body: 'boom' }, { status: 429, headers: { 'retry-after': '30' } }, 'hang');
    const config = configFor({ hook: { kind: 'webhook', url: rx.url, groupWait: '0s' } }, ['billing']);
    const t = await setup(config, { sendTimeoutMs: 300 });
    await t.setStatus('billing', 'stale');
    const results: string[] = [];
    const step = async (ms: number) => {
      t.clock.advance(ms);
      for (const s of await t.engine.dispatch()) results.push(s.result.ok ? 'ok' : s.result.error);
    };
    await t.engine.evaluate();
    await step(0); // 500
    await step(500); // backoff 1s not over: nothing
    await step(500); // 429, Retry-After 30s
    await step(29_000); // not yet
    await step(1000); // no answer
    await step(4000); // back: 200
    await step(60_000); // nothing left
    expect(results).toEqual(['HTTP 500: boom', 'HTTP 429', 'no answer within 0.3s', 'ok']);
    expect(rx.received).toHaveLength(4);
    expect(new Set(rx.received.map((r) => r.headers['x-lifeboat-delivery'])).size).toBe(1);
  });

  it('a receiver that stays down: dead-lettered after the budget, shown as delivery-failures on the failure route; never a secret in the book', async () => {
    const down = await receiver({ status: 503, body: `maintenance for ${SECRETS.HOOK_TOKEN}` });
    const pager = await receiver();
    const config = configFor({ hook: { kind: 'webhook', url: down.url, token: { env: 'HOOK_TOKEN' }, groupWait: '0s' }, pager: { kind: 'webhook', url: pager.url, groupWait: '0s' } }, ['billing'], {
      alerts: { maxAttempts: 3, deliveryFailureRoute: 'pager' },
    });
    const t = await setup(config);
    await t.setStatus('billing', 'stale');
    await t.cycle();
    for (let i = 0; i < 3; i++) {
      t.clock.advance(10_000);
      await t.cycle();
    }
    expect(down.received).toHaveLength(3);
    const book = await alertBookOver(t.state.alerts).read();
    const dead = Object.values(book.outbox).filter((n) => n.state === 'dead');
    expect(dead.map((n) => [n.route, n.attempts, n.lastError])).toEqual([['hook', 3, 'HTTP 503: maintenance for [redacted]']]);
    expect(pager.received.map((r) => (r.json as { title: string }).title)).toEqual(['1 notification(s) to route hook could not be delivered: HTTP 503: maintenance for [redacted]']);
    expect(JSON.stringify(book)).not.toMatch(new RegExp(Object.values(SECRETS).join('|')));
  });
});
