/**
 * What every response of the page carries, and what every request must pass before a route sees
 * it: the `Host` it asked for is this server's (a DNS name rebound to 127.0.0.1 gets 403: the
 * team server's check, http-guard.ts), and a write comes from this page (its `Origin`, or the
 * browser's own `Sec-Fetch-Site` where `Referrer-Policy: no-referrer` makes the Origin `null`)
 * with the session's CSRF token.
 */
import type { MiddlewareHandler } from 'hono';
import { allowListsFor, hostAllowed, originAllowed, type AllowLists } from '../mcp/http-guard.js';
import { sameSecret, type Session } from './sessions.js';

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Sets the headers on every response, refusals and errors included. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
};

/** The page's allow-lists: loopback names and the bound address, on the bound port. */
export function pageAllowLists(host: string, port: number): AllowLists {
  return allowListsFor(host, port);
}

/** 403 unless the Host header names this server. */
export function hostCheck(lists: () => AllowLists): MiddlewareHandler {
  return async (c, next) => {
    const headers = { host: c.req.header('host') };
    if (!hostAllowed({ headers }, lists())) return c.text('forbidden: this Host is not allowed', 403);
    await next();
  };
}

/**
 * Whether a write was sent by a page of this server. A browser sends `Origin` with every POST; our
 * own pages send it as `null` (no-referrer), and then `Sec-Fetch-Site`, which no page can forge,
 * must say same-origin. Anything else — a foreign origin, a cross-site fetch, a client that
 * sends neither — is refused.
 */
export function fromThisPage(headers: { origin?: string | undefined; fetchSite?: string | undefined }, lists: AllowLists): boolean {
  const { origin, fetchSite } = headers;
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return false;
  if (origin !== undefined && origin !== 'null') return originAllowed(origin, lists);
  return fetchSite === 'same-origin';
}

/** The CSRF token a form sent, against the session's (constant time). */
export function csrfMatches(session: Session, sent: unknown): boolean {
  return typeof sent === 'string' && sent.length > 0 && sameSecret(sent, session.csrf);
}
