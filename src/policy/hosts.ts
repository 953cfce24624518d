/**
 * Host binding: which origins a secret may be sent to. Patterns are parsed into components and
 * compared component by component (scheme, host, port) — never a regex over the URL string, the
 * mistake that let secretless-broker forward credentials to look-alike hosts (SPEC §13).
 */
import { BlindfoldError } from '../errors.js';

export interface HostPattern {
  scheme: 'http' | 'https';
  /** Lowercase ASCII (punycode) host without trailing dot; for a wildcard, the part after `*.`. IPv6 in brackets. */
  host: string;
  wildcard: boolean;
  port: number;
  /** `scheme://host:port` with the port always explicit, e.g. `https://*.example.com:443`. */
  canonical: string;
}

const EXAMPLES = 'e.g. api.github.com, *.example.com, https://api.x.com:8443 or http://127.0.0.1:8080';
const DEFAULT_PORT = { http: 80, https: 443 } as const;

// The input is not repeated: a string that is no valid host may be a value typed where a host was
// expected, and this message reaches terminals and logs (promise 1). `why` never quotes it either.
function bad(_input: string, why: string): BlindfoldError {
  return new BlindfoldError('BAD_HOST', `invalid host (not repeated here in case it holds a value): ${why} (${EXAMPLES})`);
}

// After IDN, a host name is letters, digits, hyphens (and the underscores some real names carry).
// The URL parser alone accepts `API_KEY=sk-live-…` as a name, which would store a value as a host.
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

export function parseHostPattern(input: string): HostPattern {
  if (typeof input !== 'string') throw bad(String(input), 'not a string');
  const text = input.trim();
  if (text === '' || /\s/.test(text)) throw bad(input, 'empty or contains whitespace');
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  const scheme = schemeMatch ? schemeMatch[1]!.toLowerCase() : 'https';
  if (scheme !== 'http' && scheme !== 'https') throw bad(input, 'only http and https origins can be bound');
  let rest = schemeMatch ? text.slice(schemeMatch[0].length) : text;
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (/[/?#@\\]/.test(rest)) throw bad(input, 'a host binding is an origin only: no path, query, fragment or user info');

  let wildcard = false;
  if (rest.startsWith('*.')) {
    wildcard = true;
    rest = rest.slice(2);
  }
  if (rest.includes('*')) throw bad(input, 'a wildcard may only be the whole leftmost label, as in *.example.com');

  // Let the WHATWG parser do IDN, IPv4 spellings and IPv6 canonicalisation.
  let url: URL;
  try {
    url = new URL(`${scheme}://${rest}/`);
  } catch {
    throw bad(input, 'not a valid host name, address or port');
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw bad(input, 'a host binding is an origin only');
  }
  let host = url.hostname.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '' || host.includes('..')) throw bad(input, 'empty host label');
  const isIp = /^\[.*\]$/.test(host) || /^\d+\.\d+\.\d+\.\d+$/.test(host);
  // "example.com.." or ".example.com": a name with an empty label is no host anyone can mean.
  if (!isIp && host.split('.').some((label) => label === '')) throw bad(input, 'empty host label');
  if (!isIp && !host.split('.').every((label) => HOST_LABEL.test(label))) throw bad(input, 'a host name is letters, digits and hyphens');
  if (wildcard) {
    if (isIp) throw bad(input, 'a wildcard cannot be combined with an IP address');
    if (host.split('.').length < 2) throw bad(input, 'a wildcard needs at least two labels after it (*.example.com, not *.com)');
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORT[scheme];
  if (port < 1 || port > 65535) throw bad(input, 'the port must be between 1 and 65535');
  const shownHost = wildcard ? `*.${host}` : host;
  return { scheme, host, wildcard, port, canonical: `${scheme}://${shownHost}:${port}` };
}

function urlParts(url: URL): { scheme: string; host: string; port: number } | undefined {
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  let host = url.hostname.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  const port = url.port ? Number(url.port) : DEFAULT_PORT[scheme];
  return { scheme, host, port };
}

export function hostMatches(pattern: HostPattern | string, url: URL): boolean {
  const p = typeof pattern === 'string' ? parseHostPattern(pattern) : pattern;
  const u = urlParts(url);
  if (!u || u.scheme !== p.scheme || u.port !== p.port) return false;
  if (!p.wildcard) return u.host === p.host;
  // Exactly one label in front of the suffix: a.example.com matches, example.com and a.b.example.com don't.
  if (!u.host.endsWith(`.${p.host}`)) return false;
  const label = u.host.slice(0, -(p.host.length + 1));
  return label.length > 0 && !label.includes('.') && !label.startsWith('[');
}

export function findMatchingHost(patterns: readonly string[], url: URL): string | undefined {
  return patterns.find((p) => {
    const parsed = parsedOnce(p);
    return parsed !== null && hostMatches(parsed, url);
  });
}

/** Bindings are checked on every request but change rarely: each is parsed once (null: invalid). */
const PARSED = new Map<string, Readonly<HostPattern> | null>();
const PARSED_LIMIT = 4096;
function parsedOnce(pattern: string): Readonly<HostPattern> | null {
  let parsed = PARSED.get(pattern);
  if (parsed !== undefined) return parsed;
  try {
    parsed = Object.freeze(parseHostPattern(pattern));
  } catch {
    parsed = null;
  }
  if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
  PARSED.set(pattern, parsed);
  return parsed;
}

/** The exact origin (URL.origin form) an admin named, used to let a private address through the guard. */
export function exactOrigin(pattern: string): string | undefined {
  try {
    const p = parseHostPattern(pattern);
    if (p.wildcard) return undefined;
    // Only an explicit http:// origin or an address literal is an opt-in (SPEC §3, README "Hosts"):
    // a bare or https name stays under the address guard, whatever its DNS answers.
    const isAddress = p.host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(p.host);
    if (p.scheme !== 'http' && !isAddress) return undefined;
    return new URL(`${p.scheme}://${p.host}:${p.port}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * The origins the address guard lets through although their address is special: those named in
 * server config, and every exact origin an admin bound a secret of `listing` to (a principal's
 * scope: ../egress/scoped-egress). Rebuilt only when the listing changes (a new array), so a call
 * costs one identity check and one set lookup. Also the origins the admin opted into partial
 * answers (`allowsRange`).
 */
export class OriginOptIns {
  readonly #config: Set<string>;
  readonly #range: Set<string>;
  #fromListing: { listing: readonly { hosts: readonly string[] }[]; origins: Set<string> } | undefined;

  constructor(
    configOrigins: readonly string[],
    private readonly listing: () => readonly { hosts: readonly string[] }[],
    rangeOrigins: readonly string[] = [],
  ) {
    this.#config = new Set(configOrigins.map((o) => new URL(o).origin));
    this.#range = new Set(rangeOrigins.map((o) => new URL(o).origin));
  }

  /** Whether the admin opted `origin` into partial answers (Range sent, 206 scanned and shown). */
  allowsRange(origin: string): boolean {
    return this.#range.has(origin);
  }

  /** Every origin opted in: config's and the listing's exact origins (a new set only when the listing changes). */
  origins(): ReadonlySet<string> {
    const listing = this.listing();
    if (this.#fromListing?.listing !== listing) {
      const origins = new Set<string>(this.#config);
      for (const info of listing) {
        for (const host of info.hosts) {
          const exact = exactOrigin(host);
          if (exact) origins.add(exact);
        }
      }
      this.#fromListing = { listing, origins };
    }
    return this.#fromListing.origins;
  }

  has(origin: string): boolean {
    return this.origins().has(origin);
  }
}

/**
 * An origin given in server config (`serve --allow-origin`): scheme, host and optional port and
 * nothing else. A path or query would suggest a narrower grant than the origin-wide one it is.
 * The input is not repeated in the error: a mistyped argument may hold anything.
 */
export function parseConfigOrigin(text: string, flag = '--allow-origin'): string {
  const refuse = (why: string) =>
    new BlindfoldError('BAD_INPUT', `${flag} expects an origin such as http://127.0.0.1:8080 (http or https, a host, an optional port): ${why}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse(/^[a-z]+:\/\//i.test(text) ? 'it is not a valid URL' : 'it has no scheme (http:// or https://)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('only http and https are supported');
  if (url.username || url.password) throw refuse('it must not contain a user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /^[a-z]+:\/\/[^/]+\/./i.test(text)) {
    throw refuse('it has a path, query or fragment; an origin ends after the host and port');
  }
  return url.origin;
}
