import { detailLines, plainText, statusWord, titleOf } from '../render.js';
import type { NotifiedAlert } from '../types.js';
import { post } from './http.js';
import type { Channel } from './types.js';

/** Block Kit limits: a section's text, a header's text, blocks per message. */
const SECTION_MAX = 3000;
const HEADER_MAX = 150;
const MAX_BLOCKS = 50;

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
/** Slack's mrkdwn treats &, < and > as markup. */
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function section(a: NotifiedAlert) {
  const lines = [`*[${statusWord(a)}]* ${escape(a.summary)}`, ...detailLines(a).map((l) => `• ${escape(l)}`)];
  return { type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n'), SECTION_MAX) } };
}

/** A Slack incoming webhook: a header, one section per alert (Block Kit), and the plain text as the notification's fallback. */
export function slackChannel(o: { webhookUrl: string }): Channel {
  const redact = (s: string) => s.split(o.webhookUrl).join('[redacted]');
  return {
    kind: 'slack',
    send(n, ctx) {
      const alerts = n.alerts.slice(0, MAX_BLOCKS - 2);
      const blocks: object[] = [{ type: 'header', text: { type: 'plain_text', text: cut(titleOf(n), HEADER_MAX) } }, ...alerts.map(section)];
      if (alerts.length < n.alerts.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${n.alerts.length - alerts.length} more: run lifeboat alerts` }] });
      return post(o.webhookUrl, JSON.stringify({ text: cut(plainText(n), 4000), blocks }), {}, { ...ctx, redact });
    },
  };
}
