import { z } from 'zod';
import { alertBookOver, isActive } from '../../../../alerts/index.js';
import { loadConfig } from '../../../../config/index.js';
import { EXIT, type CliContext } from '../../../context.js';
import { jsonText } from '../../../json-error.js';
import { renderTable } from '../../../output.js';
import { defineCommand, JSON_OPTION } from '../../define.js';
import { flag } from '../../options.js';

export const alertsSilenceList = defineCommand({
  path: ['alerts', 'silence', 'list'],
  description: 'silences in force (with --all, ended ones kept for a week too)',
  isDefault: true,
  options: [{ flags: '--all', description: 'also silences that ended' }, JSON_OPTION()],
  schema: z.object({ all: flag, json: flag }),
  run: (ctx, o) => silenceListCommand(ctx, o),
});

async function silenceListCommand(ctx: CliContext, o: { all?: boolean; json?: boolean }): Promise<number> {
  const config = await loadConfig(ctx.configPath);
  const state = await ctx.openState(config);
  const book = await alertBookOver(state.alerts)
    .read()
    .finally(() => state.close());
  const now = ctx.clock.now();
  const list = Object.values(book.silences)
    .filter((s) => o.all || isActive(s, now))
    .sort((a, b) => a.endsAt.localeCompare(b.endsAt))
    .map((s) => ({ ...s, active: isActive(s, now) }));
  if (o.json) ctx.out(jsonText(list));
  else
    ctx.out(
      list.length
        ? renderTable(
            ['ID', 'MATCHES', 'UNTIL', 'BY', 'REASON'],
            list.map((s) => [
              s.id,
              Object.entries(s.matchers)
                .map(([k, v]) => `${k}=${v}`)
                .join(' '),
              s.active ? s.endsAt : `ended ${s.expiredAt ?? s.endsAt}`,
              s.createdBy,
              s.reason,
            ]),
          )
        : 'no silences in force',
    );
  return EXIT.ok;
}
