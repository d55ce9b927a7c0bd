import { z } from 'zod';
import { alertBookOver } from '../../../../alerts/index.js';
import { loadConfig } from '../../../../config/index.js';
import { LifeboatError } from '../../../../domain/index.js';
import { EXIT, type CliContext } from '../../../context.js';
import { jsonText } from '../../../json-error.js';
import { defineCommand, JSON_OPTION } from '../../define.js';
import { flag } from '../../options.js';

export const alertsSilenceExpire = defineCommand({
  path: ['alerts', 'silence', 'expire'],
  description: 'end a silence now: its alerts are told again at the next evaluation if they still fire',
  arguments: [{ name: '<id>', description: 'the silence id (alerts silence list)' }],
  options: [JSON_OPTION()],
  schema: z.object({ id: z.string(), json: flag }),
  run: (ctx, o) => silenceExpireCommand(ctx, o),
});

async function silenceExpireCommand(ctx: CliContext, o: { id: string; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const now = ctx.clock.now().toISOString();
  const rt = await ctx.openRuntime(config);
  try {
    const found = await alertBookOver(rt.state.alerts).update((book) => {
      const s = book.silences[o.id];
      if (!s) return { book, value: undefined };
      const ended = { ...s, expiredAt: now };
      return { book: { ...book, silences: { ...book.silences, [o.id]: ended } }, value: ended };
    });
    if (!found) throw new LifeboatError('USAGE', `no silence ${o.id}: see lifeboat alerts silence list`);
    await rt.events.record('alert.silence-expired', o.id, { id: o.id, expiredAt: now });
    ctx.out(o.json ? jsonText(found) : `silence ${o.id} ended at ${now}`);
  } finally {
    await rt.close();
  }
  return EXIT.ok;
}
