import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/** Stands for this machine in address comparisons: every spelling of "here" becomes this one. */
export const THIS_MACHINE = 'this-machine';

/** An address in one spelling: IPv4-mapped IPv6 as IPv4, IPv6 compressed and lower case. */
export function canonicalAddress(addr: string): string {
  let a = addr
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  if (isIP(a) === 6) {
    a = new URL(`http://[${a}]`).hostname.replace(/^\[|\]$/g, '');
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
    if (mapped) {
      const hi = parseInt(mapped[1]!, 16);
      const lo = parseInt(mapped[2]!, 16);
      a = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    } else if (/^::ffff:\d+\.\d+\.\d+\.\d+$/.test(a)) a = a.slice(7);
  }
  return a;
}

/**
 * The addresses that all reach this machine: loopback (127.0.0.0/8, ::1), unspecified
 * (0.0.0.0, ::, which connect to the local host), and every interface address.
 */
export function isThisMachine(addr: string, interfaces: Set<string>): boolean {
  const a = canonicalAddress(addr);
  return a === '::1' || a === '::' || a === '0.0.0.0' || /^127\./.test(a) || /^0\./.test(a) || interfaces.has(a);
}

export function localInterfaceAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) out.add(canonicalAddress(i.address));
  return out;
}

/** The server a host name points at, as a set of canonical addresses with every local one folded into THIS_MACHINE. */
export async function serverAddresses(host: string, resolve: (host: string) => Promise<string[]>, interfaces: Set<string>): Promise<{ addrs: Set<string>; resolved: boolean }> {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  // A Unix socket folder (PostgreSQL's host: /var/run/postgresql) is a server on this machine.
  if (h.startsWith('/') || h === 'localhost' || h === hostname().toLowerCase()) return { addrs: new Set([THIS_MACHINE]), resolved: true };
  const addrs = isIP(canonicalAddress(h)) ? [h] : await resolve(host).catch(() => [] as string[]);
  return { addrs: new Set((addrs.length ? addrs : [h]).map((a) => (isThisMachine(a, interfaces) ? THIS_MACHINE : canonicalAddress(a)))), resolved: addrs.length > 0 };
}
