import type { AlertRoute } from '../../config/index.js';
import { alertmanagerChannel } from './alertmanager.js';
import { dingtalkChannel } from './dingtalk.js';
import { emailChannel } from './email.js';
import { pagerdutyChannel } from './pagerduty.js';
import { slackChannel } from './slack.js';
import type { Channel } from './types.js';
import { webhookChannel } from './webhook.js';
import { wecomChannel } from './wecom.js';

export type { Channel, SendContext } from './types.js';
export { signWebhook, webhookPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook.js';
export { dingtalkSign } from './dingtalk.js';
export { alertmanagerAlert } from './alertmanager.js';

/** A route's channel, given its secrets already read (`secret(field)` returns the value of a secret field of the route). */
export function channelFor(route: AlertRoute, secret: (field: string) => string | undefined, resendMs: number): Channel {
  const need = (field: string) => {
    const v = secret(field);
    if (v === undefined) throw new Error(`${field} is not set`);
    return v;
  };
  switch (route.kind) {
    case 'webhook':
      return webhookChannel({ url: route.url, secret: secret('secret'), token: secret('token') });
    case 'wecom':
      return wecomChannel({ key: need('key'), url: route.url });
    case 'dingtalk':
      return dingtalkChannel({ accessToken: need('accessToken'), secret: need('secret'), url: route.url });
    case 'slack':
      return slackChannel({ webhookUrl: need('webhookUrl') });
    case 'pagerduty':
      return pagerdutyChannel({ routingKey: need('routingKey'), url: route.url });
    case 'email':
      return emailChannel({ host: route.host, port: route.port, secure: route.secure, requireTLS: route.requireTLS, user: route.user, password: secret('password'), from: route.from, to: route.to });
    case 'alertmanager':
      return alertmanagerChannel({ url: route.url, resendMs });
  }
}
