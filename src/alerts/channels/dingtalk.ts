import { createHmac } from 'node:crypto';
import { markdown, titleOf, truncateBytes } from '../render.js';
import { post } from './http.js';
import type { Channel } from './types.js';
import { robotError } from './wecom.js';

export const DINGTALK_URL = 'https://oapi.dingtalk.com/robot/send';
/** DingTalk's limit on a message body is about 20,000 bytes; the markdown text stays well inside it. */
export const DINGTALK_MAX_BYTES = 18_000;

/** The robot's signature: base64(HMAC-SHA256(secret, "<timestamp ms>\n<secret>")), sent URL-encoded with the timestamp. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** A DingTalk (钉钉) custom robot with signing: markdown, its URL signed at each send (DingTalk refuses a signature over an hour old). */
export function dingtalkChannel(o: { accessToken: string; secret: string; url?: string }): Channel {
  const redact = (s: string) => [o.accessToken, o.secret].reduce((t, v) => t.split(v).join('[redacted]'), s);
  return {
    kind: 'dingtalk',
    send(n, ctx) {
      const ts = ctx.now.getTime();
      const url = `${o.url ?? DINGTALK_URL}?access_token=${encodeURIComponent(o.accessToken)}&timestamp=${ts}&sign=${encodeURIComponent(dingtalkSign(o.secret, ts))}`;
      const body = { msgtype: 'markdown', markdown: { title: titleOf(n).slice(0, 100), text: truncateBytes(markdown(n), DINGTALK_MAX_BYTES, '\n\n… (cut: run lifeboat alerts for the rest)') } };
      return post(url, JSON.stringify(body), {}, { ...ctx, redact, okWhen: robotError });
    },
  };
}
