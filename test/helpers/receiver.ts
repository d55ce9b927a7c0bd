import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach } from 'vitest';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/** What the receiver answers: a status, optional headers and body; 'hang' never answers (a receiver that timed out). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A real HTTP receiver on a free port for channel tests: records every request, answers from a queue
 * (then the default), closed after each test.
 */
export function useReceivers() {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
  });
  return async (fallback: Answer = { status: 200, body: 'ok' }) => {
    const received: Received[] = [];
    const answers: Answer[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body, json });
        const a = answers.shift() ?? fallback;
        if (a === 'hang') return;
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body ?? '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      received,
      /** The next answers, in order; after them the fallback. */
      answer: (...a: Answer[]) => answers.push(...a),
    };
  };
}
