// Property tests (fast-check) for host binding: hostMatches never accepts a URL whose scheme, port
// or host lies outside the pattern, checked against an independent oracle over generated names
// built to collide (shared labels, suffix and prefix tricks, case, trailing dots, IPs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { findMatchingHost, hostMatches, parseHostPattern } from '../../src/policy/hosts.js';

// A small alphabet so that generated names often share labels, prefixes and suffixes.
const label = fc.stringMatching(/^[ab1]([ab1-]{0,3}[ab1])?$/);
const labels = fc.array(label, { minLength: 1, maxLength: 4 });
const scheme = fc.constantFrom('http', 'https');
const port = fc.oneof(fc.constantFrom(80, 443, 8080, 8443), fc.integer({ min: 1, max: 65535 }));
const ipv4 = fc.tuple(fc.constantFrom(127, 10, 8), fc.constantFrom(0, 1), fc.constantFrom(0, 1), fc.constantFrom(1, 2)).map((p) => p.join('.'));
const ipv6 = fc.constantFrom('[::1]', '[::2]', '[2606:4700::1111]', '[fe80::1]');

interface PatternSpec {
  scheme: 'http' | 'https';
  explicitScheme: boolean;
  wildcard: boolean;
  host: string;
  port: number;
  explicitPort: boolean;
}

const patternArb = fc
  .record({
    scheme,
    explicitScheme: fc.boolean(),
    wildcard: fc.boolean(),
    host: fc.oneof({ weight: 4, arbitrary: labels.map((l) => [...l, 'com'].join('.')) }, { weight: 1, arbitrary: ipv4 }, { weight: 1, arbitrary: ipv6 }),
    port,
    explicitPort: fc.boolean(),
  })
  .map((p): PatternSpec => {
    const isIp = /^[\d.]+$|^\[/.test(p.host);
    const explicitScheme = p.explicitScheme || p.scheme === 'http';
    return { ...p, wildcard: p.wildcard && !isIp, explicitScheme };
  });

function patternText(p: PatternSpec): string {
  const host = p.wildcard ? `*.${p.host}` : p.host;
  return `${p.explicitScheme ? `${p.scheme}://` : ''}${host}${p.explicitPort ? `:${p.port}` : ''}`;
}

function patternPort(p: PatternSpec): number {
  if (p.explicitPort) return p.port;
  return p.scheme === 'https' ? 443 : 80;
}

/** Hosts derived from the pattern's host so that near misses are common. */
function urlHostArb(p: PatternSpec) {
  return fc.oneof(
    fc.constant(p.host),
    fc.constant(p.host.toUpperCase()),
    fc.constant(`${p.host}.`),
    label.map((l) => `${l}.${p.host}`),
    fc.tuple(label, label).map(([a, b]) => `${a}.${b}.${p.host}`),
    label.map((l) => `${l}${p.host}`),
    label.map((l) => `${p.host}.${l}.com`),
    label.map((l) => `${p.host}${l}`),
    fc.constant(p.host.split('.').slice(1).join('.') || 'com'),
    labels.map((l) => [...l, 'com'].join('.')),
    ipv4,
    ipv6,
  );
}

/** An independent oracle: exact components, one extra label for a wildcard. */
function oracle(p: PatternSpec, url: URL): boolean {
  const urlScheme = url.protocol.slice(0, -1);
  const urlPort = url.port ? Number(url.port) : urlScheme === 'https' ? 443 : urlScheme === 'http' ? 80 : -1;
  if (urlScheme !== p.scheme || urlPort !== patternPort(p)) return false;
  const host = url.hostname.replace(/\.$/, '');
  const want = new URL(`http://${p.host}/`).hostname; // the pattern's host in URL-normal form (IPv6 compressed)
  if (!p.wildcard) return host === want;
  if (!host.endsWith(`.${want}`)) return false;
  const first = host.slice(0, -(want.length + 1));
  return first.length > 0 && !first.includes('.');
}

describe('host matching properties', () => {
  it('hostMatches agrees with the oracle on generated near-miss URLs', () => {
    const arb = patternArb.chain((p) =>
      fc.tuple(
        fc.constant(p),
        fc.oneof({ weight: 3, arbitrary: fc.constant(p.scheme) }, { weight: 1, arbitrary: fc.constantFrom('http', 'https', 'ws', 'ftp', 'HTTPS') }),
        urlHostArb(p),
        fc.oneof(fc.constant(null), fc.constant(patternPort(p)), port),
        fc.constantFrom('/', '/x?y=1', '/@evil.com', '#frag'),
      ),
    );
    let matched = 0;
    fc.assert(
      fc.property(arb, ([p, urlScheme, host, urlPort, rest]) => {
        const pattern = parseHostPattern(patternText(p));
        let url: URL;
        try {
          url = new URL(`${urlScheme}://${host}${urlPort === null ? '' : `:${urlPort}`}${rest}`);
        } catch {
          return;
        }
        const expected = oracle(p, url);
        expect(hostMatches(pattern, url)).toBe(expected);
        expect(hostMatches(patternText(p), url)).toBe(expected);
        if (expected) matched++;
      }),
      { numRuns: 3000 },
    );
    // The generator must actually exercise the accepting side too.
    expect(matched).toBeGreaterThan(200);
  });

  it('never accepts when scheme or port differ from the pattern', () => {
    fc.assert(
      fc.property(patternArb, scheme, port, (p, s, prt) => {
        fc.pre(s !== p.scheme || prt !== patternPort(p));
        const host = p.wildcard ? `a.${p.host}` : p.host;
        const url = new URL(`${s}://${host}:${prt}/`);
        expect(hostMatches(patternText(p), url)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('every accepted URL host ends with the pattern host at a label boundary', () => {
    fc.assert(
      fc.property(fc.array(patternArb, { minLength: 1, maxLength: 4 }), labels, scheme, port, (ps, l, s, prt) => {
        const url = new URL(`${s}://${[...l, 'com'].join('.')}:${prt}/`);
        const found = findMatchingHost(ps.map(patternText), url);
        if (found === undefined) {
          for (const p of ps) expect(oracle(p, url)).toBe(false);
          return;
        }
        const p = parseHostPattern(found);
        const h = url.hostname;
        expect(h === p.host || h.endsWith(`.${p.host}`)).toBe(true);
        expect(p.scheme).toBe(s);
        expect(p.port).toBe(Number(url.port || (s === 'https' ? 443 : 80)));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseHostPattern only ever throws BAD_HOST, and accepted patterns are canonical and stable', () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.array(fc.constantFrom('*', '.', 'a', 'b', ':', '/', '@', '[', ']', '::1', '443', 'http', 'https', '://', '%', '\\', 'xn--', 'é', ' '), { maxLength: 12 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(junk, (input) => {
        let p;
        try {
          p = parseHostPattern(input);
        } catch (err) {
          expect(err).toBeInstanceOf(BlindfoldError);
          expect((err as BlindfoldError).code).toBe('BAD_HOST');
          return;
        }
        expect(p.port).toBeGreaterThanOrEqual(1);
        expect(p.port).toBeLessThanOrEqual(65535);
        expect(p.host).toBe(p.host.toLowerCase());
        expect(p.host).not.toMatch(/^\.|\.$|\.\.|[\s/@?#*\\]/);
        expect(parseHostPattern(p.canonical)).toEqual(p);
      }),
      { numRuns: 3000 },
    );
  });
});
