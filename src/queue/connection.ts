import type { ConnectionOptions } from 'bullmq';
import { LifeboatError, parseLoginUrl } from '../domain/index.js';

/** Redis connection options from a redis:// or rediss:// URL; the password never leaves this object. */
export function redisConnection(url: string): ConnectionOptions & { safe: string } {
  const login = parseLoginUrl(url, 'REDIS_URL: expected a URL such as redis://127.0.0.1:6379/0');
  const u = login.url;
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new LifeboatError('USAGE', `REDIS_URL: expected redis:// or rediss://, got ${u.protocol}`);
  if (!/^\/?(\d{1,5})?$/.test(u.pathname)) throw new LifeboatError('USAGE', 'REDIS_URL: expected a database number after the host, as in redis://127.0.0.1:6379/0');
  return {
    host: login.host,
    port: login.port ?? 6379,
    username: login.user,
    password: login.password,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // Workers block on Redis; BullMQ needs commands to wait for a reconnect rather than fail.
    maxRetriesPerRequest: null,
    safe: login.safe,
  };
}
