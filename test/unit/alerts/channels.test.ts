import { describe, expect, it } from 'vitest';
import { dingtalkSign, signWebhook } from '../../../src/alerts/channels/index.js';
import { retryAfterMs } from '../../../src/alerts/channels/http.js';
import { verifyDelivery } from '../../../src/alerts/inbox.js';
import { titleOf, truncateBytes } from '../../../src/alerts/render.js';
import type { NotifiedAlert } from '../../../src/alerts/types.js';

const alert = (subject: string, o: Partial<NotifiedAlert> = {}): NotifiedAlert => ({
  fingerprint: `backup-stale:${subject}`,
  status: 'firing',
  reason: 'firing',
  rule: 'backup-stale',
  subject,
  severity: 'critical',
  summary: `backup of ${subject} is stale`,
  details: {},
  labels: { rule: 'backup-stale', subject, owner: 'team-shop' },
  startsAt: '2026-12-02T10:00:00.000Z',
  ...o,
});

describe('signatures', () => {
  it('webhook: HMAC-SHA256 over "<timestamp>.<body>", as a receiver in any language computes it', () => {
    // Computed independently: python3 hmac.new(b'whsec', b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    expect(signWebhook('whsec', '1700000000', '{"a":1}')).toBe('sha256=8ad37ba156048ae0e0a5533c75cdf26fee88b07f93cb57ee4c80adb053012032');
  });

  it('DingTalk: base64(HMAC-SHA256(secret, "<ms>\\n<secret>")), as DingTalk\'s own Python sample computes it', () => {
    expect(encodeURIComponent(dingtalkSign('SECexample', 1_700_000_000_000))).toBe('uroalHrWHORz59talE1o26b8HuX2kOp8WlAN91F9Pj0%3D');
  });

  it('the inbox accepts a signed fresh message and refuses a changed body, another secret, an old timestamp, no signature', () => {
    const now = new Date('2026-12-02T10:00:00.000Z');
    const ts = String(now.getTime() / 1000);
    const body = JSON.stringify({ version: '1', id: 'm1', route: 'r', status: 'firing', title: 't', text: 't', alerts: [alert('a')], sentAt: now.toISOString() });
    const headers = (b: string, secret = 'whsec', t = ts) => ({ 'x-lifeboat-timestamp': t, 'x-lifeboat-signature': signWebhook(secret, t, b) });
    expect(verifyDelivery(body, headers(body), 'whsec', now)).toMatchObject({ ok: true, signed: true, payload: { id: 'm1' } });
    expect(verifyDelivery(body.replace('"r"', '"x"'), headers(body), 'whsec', now)).toMatchObject({ ok: false, status: 401, why: expect.stringMatching(/bad signature/) });
    expect(verifyDelivery(body, headers(body, 'other'), 'whsec', now)).toMatchObject({ ok: false, status: 401 });
    const old = String(now.getTime() / 1000 - 600);
    expect(verifyDelivery(body, headers(body, 'whsec', old), 'whsec', now)).toMatchObject({ ok: false, why: expect.stringMatching(/not within 5 minutes/) });
    expect(verifyDelivery(body, {}, 'whsec', now)).toMatchObject({ ok: false, why: expect.stringMatching(/unsigned/) });
    expect(verifyDelivery('{"version":"1"}', headers('{"version":"1"}'), 'whsec', now)).toMatchObject({ ok: false, status: 400, why: expect.stringMatching(/not a lifeboat webhook payload/) });
  });
});

describe('messages', () => {
  it('titles a group by what it holds and whose it is', () => {
    expect(titleOf({ route: 'oncall', alerts: [alert('a'), alert('b'), alert('c')] })).toBe('3 backups stale for team-shop');
    expect(titleOf({ route: 'oncall', alerts: [alert('a'), alert('b', { rule: 'drill-failed', labels: { rule: 'drill-failed', subject: 'b' } })] })).toBe('2 alerts for oncall');
    expect(titleOf({ route: 'oncall', alerts: [alert('a', { status: 'resolved' })] })).toBe('RESOLVED: backup of a is stale');
    expect(titleOf({ route: 'oncall', alerts: [alert('a'), alert('b'), alert('c', { status: 'resolved' })] })).toBe('2 backups stale for team-shop (1 resolved)');
  });

  it('cuts to a byte limit on a character boundary, with the pointer to the rest inside the limit', () => {
    const text = '备份'.repeat(3000);
    const cut = truncateBytes(text, 4096, '\n… (cut)');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(cut)).toBeGreaterThan(4080);
    expect(cut.endsWith('\n… (cut)')).toBe(true);
    expect(cut).not.toContain('\uFFFD');
    expect(truncateBytes('short', 4096, '…')).toBe('short');
  });

  it('reads Retry-After as seconds or an HTTP date, and caps it at an hour', () => {
    const now = new Date('2026-12-02T10:00:00.000Z');
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('999999', now)).toBe(3600_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
