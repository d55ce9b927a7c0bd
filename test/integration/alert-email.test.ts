import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { alertChannels, type Notification } from '../../src/alerts/index.js';
import type { LoadedConfig } from '../../src/config/index.js';
import { estateSchema } from '../../src/config/schemas/estate.js';

const servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(() => r(undefined)))));
});

/** A real SMTP server on a free port: checks the login, keeps each message, answers what the test says. */
async function smtp(answer: () => { code: number; message: string } | undefined = () => undefined) {
  const messages: { from: string; to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === 'lifeboat' && auth.password === 'smtp-pw-4455') cb(null, { user: 'lifeboat' });
      else cb(Object.assign(new Error('Invalid login'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refuse = answer();
        if (refuse) return cb(Object.assign(new Error(refuse.message), { responseCode: refuse.code }));
        messages.push({ from: (session.envelope.mailFrom as { address: string }).address, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { port: (server.server.address() as { port: number }).port, messages };
}

function route(port: number, password = 'PW') {
  const estate = estateSchema.parse({
    version: 1,
    regions: {},
    resources: [],
    alertRoutes: { mail: { kind: 'email', host: '127.0.0.1', port, requireTLS: false, user: 'lifeboat', password: { env: password }, from: 'lifeboat@example.com', to: ['oncall@example.com', 'dba@example.com'] } },
  });
  return { estate, baseDir: '/nowhere' } as unknown as LoadedConfig;
}

const message = (): Notification => ({
  id: 'm-1',
  route: 'mail',
  createdAt: '2026-12-02T10:00:00.000Z',
  state: 'sending',
  notBefore: '2026-12-02T10:00:00.000Z',
  attempts: 1,
  alerts: [
    {
      fingerprint: 'backup-stale:billing',
      status: 'firing',
      reason: 'firing',
      rule: 'backup-stale',
      subject: 'billing',
      severity: 'critical',
      summary: 'backup of billing is stale: 3d <old>',
      details: { since: '2026-12-01T00:00:00.000Z' },
      labels: { rule: 'backup-stale', subject: 'billing' },
      startsAt: '2026-12-01T00:00:00.000Z',
    },
  ],
});

describe('email over SMTP', () => {
  it('logs in and sends plain text and HTML to every recipient, with the delivery id', async () => {
    const s = await smtp();
    const channel = (await alertChannels(route(s.port), { PW: 'smtp-pw-4455' }))('mail')!;
    const r = await channel.send(message(), { now: new Date() });
    expect(r).toMatchObject({ ok: true, answer: expect.stringMatching(/^250 /) });
    expect(s.messages).toHaveLength(1);
    const m = s.messages[0]!;
    expect(m.from).toBe('lifeboat@example.com');
    expect(m.to).toEqual(['oncall@example.com', 'dba@example.com']);
    expect(m.raw).toMatch(/^Subject: backup of billing is stale: 3d <old>\r?$/m);
    expect(m.raw).toMatch(/^X-Lifeboat-Delivery: m-1\r?$/m);
    expect(m.raw).toMatch(/Content-Type: text\/plain/);
    expect(m.raw).toMatch(/Content-Type: text\/html/);
    // The HTML part escapes what a summary carries.
    expect(m.raw.replace(/=\r?\n/g, '')).toContain('<h2>backup of billing is stale: 3d &lt;old&gt;</h2>');
  });

  it('a refused login is final and never shows the password; a 4xx is worth a retry, a 5xx is not', async () => {
    let next: { code: number; message: string } | undefined;
    const s = await smtp(() => next);
    const wrong = (await alertChannels(route(s.port), { PW: 'not-the-password' }))('mail')!;
    const refused = await wrong.send(message(), { now: new Date() });
    expect(refused).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/EAUTH.*535/) });
    expect(JSON.stringify(refused)).not.toContain('not-the-password');

    const channel = (await alertChannels(route(s.port), { PW: 'smtp-pw-4455' }))('mail')!;
    next = { code: 451, message: 'try again later' };
    expect(await channel.send(message(), { now: new Date() })).toMatchObject({ ok: false, retry: true, error: expect.stringMatching(/451 try again later/) });
    next = { code: 550, message: 'mailbox unavailable' };
    expect(await channel.send(message(), { now: new Date() })).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/550 mailbox unavailable/) });
    expect(s.messages).toHaveLength(0);
  });

  it('no server: retried later', async () => {
    const s = await smtp();
    const port = s.port;
    await new Promise((r) => servers.pop()!.close(() => r(undefined)));
    const channel = (await alertChannels(route(port), { PW: 'smtp-pw-4455' }))('mail')!;
    expect(await channel.send(message(), { now: new Date(), timeoutMs: 2000 })).toMatchObject({ ok: false, retry: true, error: expect.stringMatching(/ECONNREFUSED|ESOCKET|ECONNECTION/) });
  });
});
