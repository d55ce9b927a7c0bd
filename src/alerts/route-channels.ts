import { channelFor, type Channel } from './channels/index.js';
import { repeatOf } from './engine.js';
import { DEFAULT_EVALUATE_EVERY_MS } from './runner.js';
import { resolveSecret, type Env, type LoadedConfig } from '../config/index.js';
import { messageOf } from '../domain/index.js';

const SECRET_FIELDS = ['secret', 'token', 'key', 'accessToken', 'webhookUrl', 'routingKey', 'password'] as const;

/**
 * Each alert route's channel with its secrets read once. A route whose secret cannot be read still gets
 * a channel: one that refuses every message with the reason, so its messages are dead-lettered and seen, not lost.
 */
export async function alertChannels(config: LoadedConfig, env: Env): Promise<(route: string) => Channel | undefined> {
  const channels = new Map<string, Channel>();
  for (const [name, route] of Object.entries(config.estate.alertRoutes ?? {})) {
    const values: Record<string, string> = {};
    try {
      for (const f of SECRET_FIELDS) {
        const ref = (route as Record<string, unknown>)[f];
        if (ref && typeof ref === 'object') values[f] = await resolveSecret(ref as Parameters<typeof resolveSecret>[0], `alertRoutes.${name}.${f}`, env, config.baseDir);
      }
      // Alertmanager must hear again before its endsAt: the resend comes with the repeat, or the next evaluation if that is later.
      channels.set(
        name,
        channelFor(route, (f) => values[f], Math.max(repeatOf(route), config.estate.alerts?.evaluateEvery ?? DEFAULT_EVALUATE_EVERY_MS)),
      );
    } catch (err) {
      const why = `alert route ${name} cannot send: ${messageOf(err)}`;
      channels.set(name, { kind: route.kind, send: async () => ({ ok: false, retry: false, error: why }) });
    }
  }
  return (route) => channels.get(route);
}
