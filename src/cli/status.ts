import { LifeboatError } from '../domain/index.js';
import { deploymentStatus, redisConnection } from '../queue/index.js';
import { EXIT, type CliContext } from './context.js';
import { renderTable } from './output.js';

/** lifeboat status: the distributed deployment at a glance; exit 1 when no worker is alive or a resource is not fresh. */
export async function statusCommand(ctx: CliContext, opts: { redis?: string; prefix: string; json?: boolean }): Promise<number> {
  if (!opts.redis) throw new LifeboatError('USAGE', 'lifeboat status reads a distributed deployment: set REDIS_URL or pass --redis');
  const s = await deploymentStatus(redisConnection(opts.redis), opts.prefix);
  const notFresh = Object.entries(s.freshness).filter(([, v]) => v.status !== 'fresh');
  const workersAlive = Math.max(0, ...s.queues.map((q) => q.workers));
  if (opts.json) ctx.out(JSON.stringify(s, null, 2));
  else {
    ctx.out(renderTable(['QUEUE', 'WORKERS', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'DONE'], s.queues.map((q) => [q.name, String(q.workers), String(q.waiting), String(q.active), String(q.delayed), String(q.failed), String(q.completed)])));
    ctx.out('');
    ctx.out(renderTable(['SCHEDULE', 'CRON', 'NEXT RUN', 'LAST RUN'], s.schedules.map((x) => [x.name, `${x.cron ?? ''} ${x.timezone ?? ''}`.trim(), x.next ?? '-', x.lastRun ? `${x.lastRun.at} ${x.lastRun.ok ? 'ok' : 'FAILED'}: ${x.lastRun.summary}` : '-'])));
    ctx.out('');
    ctx.out(s.runningDrills.length ? renderTable(['RUNNING DRILL', 'RUN', 'STEP', 'SINCE', 'ON'], s.runningDrills.map((d) => [d.drill, d.runId, d.step, d.startedAt, `${d.owner.host}:${d.owner.pid}`])) : 'no drill running');
    ctx.out(`${Object.keys(s.freshness).length} resources and copies known: ${notFresh.length} not fresh${notFresh.map(([k, v]) => `\n! ${k} is ${v.status}: ${v.reason}`).join('')}`);
  }
  return workersAlive > 0 && notFresh.length === 0 ? EXIT.ok : EXIT.targetFailed;
}
