import { z } from 'zod';
import { startInbox, type Arrival } from '../../../alerts/index.js';
import { loadConfig, resolveSecret, type LoadedConfig } from '../../../config/index.js';
import { ensureDemoSecrets } from '../../../demo/index.js';
import { LifeboatError } from '../../../domain/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag, positiveInt } from '../options.js';

export const alertsInbox = defineCommand({
  path: ['alerts', 'inbox'],
  description: "a local receiver for trying alerts out: listens where a webhook route points, checks each message's signature with the route's secret, prints what arrives",
  options: [
    { flags: '--route <name>', description: 'the webhook route to receive for (default: the first whose URL is on this machine)' },
    { flags: '--port <n>', description: "listen on this port instead of the route URL's" },
    JSON_OPTION('one JSON object per message received'),
  ],
  schema: z.object({ route: z.string().optional(), port: positiveInt('--port').optional(), json: flag }),
  run: (ctx, o) => alertsInboxCommand(ctx, o),
});

const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function pickRoute(config: LoadedConfig, name?: string) {
  const routes = Object.entries(config.estate.alertRoutes ?? {}).flatMap(([n, r]) => (r.kind === 'webhook' ? [{ name: n, route: r, url: new URL(r.url) }] : []));
  const found = name ? routes.find((r) => r.name === name) : routes.find((r) => LOCAL.has(r.url.hostname));
  if (!found) throw new LifeboatError('USAGE', name ? `no webhook route ${name}: expected one of ${routes.map((r) => r.name).join(', ') || '(none)'}` : 'no webhook route points at this machine (http://127.0.0.1:PORT/…): pass --route');
  return found;
}

async function alertsInboxCommand(ctx: CliContext, opts: { route?: string; port?: number; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const { name, route, url } = pickRoute(config, opts.route);
  await ensureDemoSecrets(config);
  const secretRef = route.secret;
  const port = opts.port ?? Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = LOCAL.has(url.hostname) ? url.hostname.replace(/^\[|\]$/g, '') : '127.0.0.1';
  const server = await startInbox({
    host,
    port,
    path: url.pathname,
    // Read at each message: `lifeboat start` may make the demo's secret after the inbox started.
    secret: () => (secretRef ? resolveSecret(secretRef, `alertRoutes.${name}.secret`, ctx.env, config.baseDir) : Promise.resolve(undefined)),
    now: () => ctx.clock.now(),
    onArrival: (a) => ctx.out(opts.json ? JSON.stringify(a.ok ? { ok: true, signed: a.signed, payload: a.payload } : { ok: false, status: a.status, error: a.why }) : show(a, ctx.clock.now())),
  });
  ctx.logger.info({ route: name, listening: `http://${host}:${port}${url.pathname}`, verifying: secretRef ? 'X-Lifeboat-Signature' : 'nothing (the route has no secret)' }, `inbox for route ${name}: waiting for alerts; Ctrl-C to stop`);
  await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true })));
  await new Promise((r) => server.close(r));
  return EXIT.ok;
}

function show(a: Arrival, now: Date): string {
  const at = now.toISOString().slice(11, 19);
  if (!a.ok) return `${at} REFUSED (${a.status}): ${a.why}`;
  const p = a.payload;
  // One alert's summary is the title already: said once.
  const head = `${at} ${p.test ? 'TEST' : p.status.toUpperCase()}${p.alerts.length > 1 ? ` ${p.title}` : ''}  (${a.signed ? 'signature ok' : 'unsigned'}, message ${p.id.slice(0, 8)})`;
  const lines = p.alerts.flatMap((x) => [
    `  [${x.status === 'resolved' ? 'RESOLVED' : x.severity.toUpperCase()}] ${x.summary}`,
    ...Object.entries(x.details)
      .filter(([, v]) => v !== null && v !== '')
      .map(([k, v]) => `      ${k}: ${v}`),
  ]);
  return [head, ...lines].join('\n');
}
