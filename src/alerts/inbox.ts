import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './channels/webhook.js';
import { webhookPayloadSchema, type WebhookPayload } from './payload.js';

/** A signed message older or newer than this is refused: a captured one cannot be replayed later. */
export const MAX_SKEW_MS = 5 * 60_000;
/** A lifeboat message is a few KB; anything much larger is not one. */
const MAX_BODY = 1024 * 1024;

export type Arrival = { ok: true; payload: WebhookPayload; signed: boolean } | { ok: false; status: number; why: string };

/** Checks one delivery as a receiver should: signature over timestamp and body, the timestamp fresh, the body of the documented shape. */
export function verifyDelivery(body: string, headers: Record<string, string | string[] | undefined>, secret: string | undefined, now: Date): Arrival {
  const one = (h: string) => {
    const v = headers[h];
    return Array.isArray(v) ? v[0] : v;
  };
  let signed = false;
  if (secret !== undefined) {
    const ts = one(TIMESTAMP_HEADER);
    const sig = one(SIGNATURE_HEADER);
    if (!ts || !sig) return { ok: false, status: 401, why: `unsigned: no ${!ts ? TIMESTAMP_HEADER : SIGNATURE_HEADER} header` };
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Number(ts) * 1000 - now.getTime()) > MAX_SKEW_MS) return { ok: false, status: 401, why: `timestamp ${ts.slice(0, 20)} is not within 5 minutes of now: a replay, or a clock off` };
    const want = Buffer.from(signWebhook(secret, ts, body));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, status: 401, why: 'bad signature: not signed with this secret, or the body was changed' };
    signed = true;
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, status: 400, why: 'body is not JSON' };
  }
  const parsed = webhookPayloadSchema.safeParse(json);
  if (!parsed.success) return { ok: false, status: 400, why: `not a lifeboat webhook payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}` };
  return { ok: true, payload: parsed.data, signed };
}

/** A local receiver for trying lifeboat out: verifies each delivery and hands it on; answers 200, or 4xx saying why. */
export function startInbox(o: { host: string; port: number; path: string; secret: () => Promise<string | undefined>; now: () => Date; onArrival(a: Arrival): void }): Promise<Server> {
  const server = createServer((req, res) => {
    const answer = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== o.path) return answer(404, { error: `POST ${o.path} only` });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void o.secret().then(
        (secret) => {
          const a = verifyDelivery(Buffer.concat(chunks).toString('utf8'), req.headers, secret, o.now());
          o.onArrival(a);
          answer(a.ok ? 200 : a.status, a.ok ? { ok: true } : { error: a.why });
        },
        (err: Error) => answer(500, { error: err.message }),
      );
    });
  });
  return new Promise((resolve, reject) => server.once('error', reject).listen(o.port, o.host, () => resolve(server)));
}
