/**
 * What the team server checks before it reads a request (issue 21 item 1): the `Host` and `Origin`
 * headers against allow-lists (a browser page on another site, or a DNS name rebound to 127.0.0.1,
 * must not reach a server that answers on loopback), and the size of a body, capped while it is
 * read so an oversized one is never held in memory.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Names that always mean this machine. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Whether a bind address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** How a host appears in a `Host` header or a URL (IPv6 in brackets). */
export function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

export interface AllowLists {
  /** `name` (any port) or `name:port` (that port only), lower case. */
  hosts: string[];
  /** Exact origins, `scheme://host[:port]`, lower case. */
  origins: string[];
  /** Whether the host a client asked for is the proxy's X-Forwarded-Host (`--trust-proxy`) rather than Host. */
  trustProxy: boolean;
}

/**
 * The allow-lists for a server bound to `host:port`: the loopback names and the bound host on that
 * port, plus what the admin added (`--allowed-host`, `--allowed-origin`, for a proxy's public name).
 */
export function allowListsFor(host: string, port: number, extra: { hosts?: string[]; origins?: string[]; trustProxy?: boolean } = {}): AllowLists {
  const names = [...new Set([...LOOPBACK_NAMES, hostForUrl(host).toLowerCase()])];
  return {
    hosts: [...names.map((n) => `${n}:${port}`), ...(extra.hosts ?? []).map((h) => h.toLowerCase())],
    origins: [...names.flatMap((n) => [`http://${n}:${port}`, `https://${n}:${port}`]), ...(extra.origins ?? []).map((o) => o.toLowerCase().replace(/\/$/, ''))],
    trustProxy: extra.trustProxy === true,
  };
}

/** Why a request is refused with 403, or undefined when its `Host` and `Origin` are allowed. */
export function refusedOrigin(req: IncomingMessage, lists: AllowLists): 'host' | 'origin' | undefined {
  if (!hostAllowed(req, lists)) return 'host';
  // Clients that are not browsers send no Origin; a browser always does, and `null` is no origin.
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, lists)) return 'origin';
  return undefined;
}

/** Whether the host the client asked for (`Host`, or the proxy's under --trust-proxy) is on the list: the DNS-rebinding check. */
export function hostAllowed(req: Pick<IncomingMessage, 'headers'>, lists: AllowLists): boolean {
  // A proxy's X-Forwarded-Host counts only when the admin said a proxy stands in front
  // (--trust-proxy); otherwise any client could send one, so every X-Forwarded-* is ignored.
  const forwarded = lists.trustProxy ? firstValue(req.headers['x-forwarded-host']) : undefined;
  const host = (forwarded ?? req.headers.host ?? '').toLowerCase();
  const bareName = host.replace(/:\d+$/, '');
  return host !== '' && lists.hosts.some((allowed) => allowed === host || (!/:\d+$/.test(allowed) && allowed === bareName));
}

/** Whether an `Origin` header names one of the allowed origins (`null` never does). */
export function originAllowed(origin: string, lists: AllowLists): boolean {
  return lists.origins.includes(origin.toLowerCase().replace(/\/$/, ''));
}

/** The first host of an X-Forwarded-Host header (a chain of proxies appends after it). */
function firstValue(header: string | string[] | undefined): string | undefined {
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  return first || undefined;
}

export class BodyTooLarge extends Error {}

/** Reads a request body, refusing (BodyTooLarge) as soon as it passes `max` bytes, before any of it is parsed. */
export async function readCappedBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
