import { createServer, type Server } from 'node:http';
import { messageOf, type Logger } from '../domain/index.js';

export const DEFAULT_METRICS_LISTEN = '127.0.0.1:9469';
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** "host:port" (IPv6 in brackets), or undefined for "off". */
export function parseListen(text: string): { host: string; port: number } | undefined {
  if (text === 'off') return undefined;
  const m = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new Error(`expected host:port such as ${DEFAULT_METRICS_LISTEN}, or off, got ${JSON.stringify(text)}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * GET /metrics on its own listener. A port another lifeboat on this machine already holds is a warning,
 * not a failure: the process goes on without metrics and says how to give it a listener of its own.
 */
export async function startMetricsServer(o: { host: string; port: number; scrape: () => Promise<string>; logger: Logger }): Promise<Server | undefined> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') return res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
    o.scrape().then(
      (text) => res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(text),
      (err: unknown) => {
        o.logger.warn({ err: messageOf(err) }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`scrape failed: ${messageOf(err)}\n`);
      },
    );
  });
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, o.host, resolve));
  } catch (err) {
    o.logger.warn({ listen: `${o.host}:${o.port}`, err: messageOf(err) }, `no metrics: cannot listen on ${o.host}:${o.port} (another lifeboat here? give each process --listen host:port, or off)`);
    return undefined;
  }
  const { port } = server.address() as { port: number };
  o.logger.info({ metrics: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/metrics` }, 'metrics listening');
  return server;
}
