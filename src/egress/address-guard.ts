/**
 * Which addresses a request made for an agent may connect to (SPEC §1 promise 5). Classification
 * is ipaddr.js's special-range table; anything that is not plain global unicast is refused:
 * loopback, unspecified, private, link-local (cloud metadata), CGNAT, unique-local, site-local,
 * multicast, broadcast, reserved, documentation, benchmarking. IPv6 forms that carry an IPv4
 * address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) are refused outright rather than
 * unwrapped: none is a legitimate way to reach a public API, and each is a known SSRF spelling.
 */
import ipaddr from 'ipaddr.js';
import { BlindfoldError } from '../errors.js';

export type AddressCheck = { allowed: true } | { allowed: false; range: string };

export function checkAddress(ip: string): AddressCheck {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ''));
  } catch {
    return { allowed: false, range: 'unparseable' };
  }
  const range = addr.range();
  if (range !== 'unicast') return { allowed: false, range };
  // ::a.b.c.d (IPv4-compatible, deprecated) is not in ipaddr's table.
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return { allowed: false, range: 'ipv4Compatible' };
  return { allowed: true };
}

export function classifyHost(hostname: string): { kind: 'ip'; ip: string; family: 4 | 6 } | { kind: 'name'; name: string } {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(bare) && (ipaddr.IPv4.isValidFourPartDecimal(bare) || bare.includes(':'))) {
    const addr = ipaddr.parse(bare);
    return { kind: 'ip', ip: addr.toString(), family: addr.kind() === 'ipv6' ? 6 : 4 };
  }
  let name = hostname.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  return { kind: 'name', name };
}

/** Names that must never be resolved for an agent, whatever DNS says. */
export function isLocalName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain';
}

export function refusal(host: string, range: string): BlindfoldError {
  return new BlindfoldError(
    'ADDRESS_NOT_ALLOWED',
    `refused to connect to ${host}: it is a ${range} address, which requests made for agents never reach. ` +
      'Only an admin can allow an exact origin there',
    { host, range },
  );
}
