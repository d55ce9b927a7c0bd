import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { alertBookOver, type Silence } from '../../../../alerts/index.js';
import { formatDuration, loadConfig } from '../../../../config/index.js';
import { LifeboatError } from '../../../../domain/index.js';
import { EXIT, type CliContext } from '../../../context.js';
import { jsonText } from '../../../json-error.js';
import { defineCommand, JSON_OPTION } from '../../define.js';
import { durationMs, flag, isoTime } from '../../options.js';

const MATCHERS = ['rule', 'subject', 'resource', 'drill', 'region', 'owner'] as const;

export const alertsSilenceAdd = defineCommand({
  path: ['alerts', 'silence', 'add'],
  description: 'mute the alerts matching every given label until an end time; ledgered with who and why',
  options: [
    { flags: '--rule <rule>', description: 'e.g. backup-stale' },
    { flags: '--subject <subject>', description: 'a resource id, resource@region, a drill name' },
    { flags: '--resource <id>', description: 'alerts about this resource (its backups, copies and drills)' },
    { flags: '--drill <name>', description: "this drill's alerts" },
    { flags: '--region <id>', description: 'alerts in this region' },
    { flags: '--owner <owner>', description: "alerts about this owner's resources" },
    { flags: '--for <duration>', description: 'how long, e.g. 2h (or --until)' },
    { flags: '--until <time>', description: 'until this ISO time' },
    { flags: '--reason <text>', description: 'why (required): shown beside the silenced alerts and kept in the ledger' },
    { flags: '--by <name>', description: 'who is silencing (default: user@host)' },
    JSON_OPTION(),
  ],
  schema: z
    .object({
      rule: z.string().optional(),
      subject: z.string().optional(),
      resource: z.string().optional(),
      drill: z.string().optional(),
      region: z.string().optional(),
      owner: z.string().optional(),
      for: durationMs('--for', 60_000).optional(),
      until: isoTime('--until').optional(),
      reason: z.string({ error: 'expected why the alerts are silenced' }).min(1, { error: 'expected why the alerts are silenced' }),
      by: z.string().optional(),
      json: flag,
    })
    .refine((o) => MATCHERS.some((k) => o[k] !== undefined), { error: `expected at least one of ${MATCHERS.map((k) => `--${k}`).join(', ')}: a silence of everything is not offered` })
    .refine((o) => (o.for === undefined) !== (o.until === undefined), { error: 'expected one of --for or --until' }),
  run: (ctx, o) => silenceAddCommand(ctx, o),
});

async function silenceAddCommand(ctx: CliContext, o: { for?: number; until?: Date; reason: string; by?: string; json?: boolean } & Partial<Record<(typeof MATCHERS)[number], string>>): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const now = ctx.clock.now();
  const endsAt = o.until ?? new Date(now.getTime() + o.for!);
  if (endsAt.getTime() <= now.getTime()) throw new LifeboatError('USAGE', `--until: expected a time after now (${now.toISOString()})`);
  const matchers = Object.fromEntries(MATCHERS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]!]));
  const silence: Silence = { id: randomUUID().slice(0, 8), matchers, startsAt: now.toISOString(), endsAt: endsAt.toISOString(), reason: o.reason, createdBy: o.by ?? `${userInfo().username}@${hostname()}` };
  const rt = await ctx.openRuntime(config);
  try {
    await alertBookOver(rt.state.alerts).update((book) => ({ book: { ...book, silences: { ...book.silences, [silence.id]: silence } }, value: undefined }));
    await rt.events.record('alert.silenced', silence.id, { ...silence });
  } finally {
    await rt.close();
  }
  const what = Object.entries(matchers)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  ctx.out(o.json ? jsonText(silence) : `silence ${silence.id}: ${what} until ${silence.endsAt} (${formatDuration(endsAt.getTime() - now.getTime())}), by ${silence.createdBy}: ${silence.reason}`);
  return EXIT.ok;
}
