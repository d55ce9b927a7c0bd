import { markdown, truncateBytes } from '../render.js';
import { post } from './http.js';
import type { Channel } from './types.js';

/** WeCom's limit on a markdown message's content, in bytes of UTF-8. */
export const WECOM_MAX_BYTES = 4096;
export const WECOM_URL = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send';

/** A WeCom (企业微信) group robot: markdown, cut to its size limit with a pointer to the rest, never refused for length. */
export function wecomChannel(o: { key: string; url?: string; moreAt?: string }): Channel {
  const url = `${o.url ?? WECOM_URL}?key=${encodeURIComponent(o.key)}`;
  const redact = (s: string) => s.split(o.key).join('[redacted]');
  return {
    kind: 'wecom',
    send(n, ctx) {
      const content = truncateBytes(markdown(n), WECOM_MAX_BYTES, `\n\n… (cut: ${o.moreAt ?? 'run lifeboat alerts for the rest'})`);
      return post(url, JSON.stringify({ msgtype: 'markdown', markdown: { content } }), {}, { ...ctx, redact, okWhen: robotError });
    },
  };
}

/** WeCom and DingTalk answer 200 with { errcode, errmsg }: a non-zero code is a refusal (a bad key, a bad signature). */
export function robotError(text: string): string | undefined {
  try {
    const r = JSON.parse(text) as { errcode?: number; errmsg?: string };
    return r.errcode ? `errcode ${r.errcode}: ${r.errmsg ?? ''}` : undefined;
  } catch {
    return undefined;
  }
}
