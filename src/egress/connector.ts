/**
 * The connect-time guard. undici calls this connector for every new connection; it resolves the
 * name itself (through an injectable resolver), checks every address in the answer, and connects
 * to the checked address with TLS SNI and certificate checks still for the name. The DNS answer is
 * used exactly once, at the moment of connecting, so rebinding cannot swap the address between a
 * check and a connect.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { buildConnector, Dispatcher } from 'undici';
import { BlindfoldError } from '../errors.js';
import { checkAddress, isLocalName, classifyHost, refusal } from './address-guard.js';
import { loadUndici } from './undici.js';

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * `host=ip[,ip...]` pins (like curl's --resolve): those names answer with the given addresses, the
 * rest go to `fallback`. The answers still pass the address guard, so a pin cannot open a private
 * address that the guard would refuse; it only makes DNS deterministic (tests, split-horizon DNS).
 */
export function pinnedResolver(pins: string[], fallback: Resolver = systemResolver): Resolver {
  const table = new Map<string, Array<{ address: string; family: 4 | 6 }>>();
  for (const pin of pins) {
    const eq = pin.indexOf('=');
    const name = pin.slice(0, eq).trim().toLowerCase().replace(/\.$/, '');
    const addresses = pin.slice(eq + 1).split(',').map((a) => a.trim()).filter(Boolean);
    if (eq <= 0 || addresses.length === 0 || addresses.some((a) => !isIP(a))) {
      throw new BlindfoldError('BAD_INPUT', '--resolve wants NAME=IP[,IP...]; one was not (not repeated here in case it holds a value)');
    }
    table.set(name, addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 })));
  }
  return async (hostname) => table.get(hostname.toLowerCase().replace(/\.$/, '')) ?? fallback(hostname);
}

export interface GuardOptions {
  resolver?: Resolver;
  /** Exact origins (URL.origin form) an admin opted into, allowed even on special addresses. */
  isOriginAllowed?: (origin: string) => boolean;
  connectTimeoutMs?: number;
}

/** A fast refusal before DNS: wrong scheme, literal special address, or a localhost name. */
export function assertUrlAllowedBeforeDns(url: URL, isOriginAllowed: (origin: string) => boolean = () => false): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BlindfoldError('SCHEME_NOT_ALLOWED', `only http: and https: requests are made, not ${url.protocol}`);
  }
  if (isOriginAllowed(url.origin)) return;
  const host = classifyHost(url.hostname);
  if (host.kind === 'ip') {
    const check = checkAddress(host.ip);
    if (!check.allowed) throw refusal(url.hostname, check.range);
  } else if (isLocalName(host.name)) {
    throw refusal(url.hostname, 'loopback');
  }
}

/** Async because undici is loaded on first need (./undici): a caller creates it once and keeps it. */
export async function createGuardedAgent(opts: GuardOptions = {}): Promise<Dispatcher> {
  const { Agent, buildConnector } = await loadUndici();
  const resolver = opts.resolver ?? systemResolver;
  const isOriginAllowed = opts.isOriginAllowed ?? (() => false);
  const base = buildConnector({ timeout: opts.connectTimeoutMs ?? 10_000 });

  const connect: buildConnector.connector = (options, callback) => {
    const defaultPort = options.protocol === 'https:' ? '443' : '80';
    const port = options.port || defaultPort;
    const bracketed = options.hostname.includes(':') && !options.hostname.startsWith('[') ? `[${options.hostname}]` : options.hostname;
    let origin: string;
    try {
      origin = new URL(`${options.protocol}//${bracketed}:${port}`).origin;
    } catch {
      callback(new BlindfoldError('ADDRESS_NOT_ALLOWED', `refused to connect to an unparseable host`), null);
      return;
    }
    const optedIn = isOriginAllowed(origin);
    const host = classifyHost(options.hostname);
    pickAddress(host, resolver, optedIn).then(
      (ip) => {
        base({ ...options, hostname: ip, servername: host.kind === 'name' ? host.name : undefined }, callback);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
    );
  };

  return new Agent({ connect });
}

async function pickAddress(host: ReturnType<typeof classifyHost>, resolver: Resolver, optedIn: boolean): Promise<string> {
  if (host.kind === 'ip') {
    const check = checkAddress(host.ip);
    if (!check.allowed && !optedIn) throw refusal(host.ip, check.range);
    return host.ip;
  }
  if (isLocalName(host.name) && !optedIn) throw refusal(host.name, 'loopback');
  let answers: Array<{ address: string; family: 4 | 6 }>;
  try {
    answers = await resolver(host.name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'DNS error';
    throw new BlindfoldError('UPSTREAM_ERROR', `could not resolve ${host.name}: ${code}`);
  }
  if (answers.length === 0) throw new BlindfoldError('UPSTREAM_ERROR', `could not resolve ${host.name}: no addresses`);
  // Every address must pass: a public answer followed by a private one is refused as a whole.
  if (!optedIn) {
    for (const a of answers) {
      const check = checkAddress(a.address);
      // The name and the kind of address, never the address: an agent would map internal names to addresses.
      if (!check.allowed) throw refusal(host.name, check.range);
    }
  }
  return answers[0]!.address;
}

/** undici wraps connector errors; find ours so callers can report the real refusal. */
export function findBlindfoldError(err: unknown): BlindfoldError | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    if (e instanceof BlindfoldError) return e;
    const next = (e as { cause?: unknown }).cause;
    if (next === undefined && e instanceof AggregateError) {
      for (const inner of e.errors) {
        const found = findBlindfoldError(inner);
        if (found) return found;
      }
    }
    e = next;
  }
  return undefined;
}
