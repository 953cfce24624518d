/**
 * Which characters of a value are secret-bearing (SPEC §1.4a, "precise secret material"). Only
 * those are indexed: a window (./fingerprints) never includes a public character, so no guess can
 * start from text every such value shares (a vendor prefix, PEM armour, a standard JWT header, a
 * URL's scheme, host, port, dictionary path words and query keys), and an honest agent writing that
 * text trips nothing. The entropy floor at `set` is computed on exactly these characters, folded
 * the way the matcher folds them (`secretMaterial`).
 */
import { keyPublicParts } from './key-parts.js';
import { lowerUnit, unitsOf } from './lowercase.js';
import { jsonSecretParts, URL_SHAPE, urlSecretParts } from './structured-parts.js';

import { complement, type Range } from './ranges.js';

export type { Range } from './ranges.js';

const VENDOR_PREFIX = /^(?:sk-(?:live|test|proj|ant(?:-api\d+)?|or-v\d+)?-|sk_(?:live|test)_|rk_(?:live|test)_|pk_(?:live|test)_|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|xox[abprs]-|glpat-|AKIA|ASIA|AIza|SG\.|npm_|pypi-|dop_v1_|hf_)/;
/**
 * The user of an HTTP Basic credential stored as `user:secret` (the jira and twilio presets) when
 * the vendor shows that user in every URL and answer: an email address (Atlassian's
 * `email:api_token`) or a Twilio account or API key SID (`AC`/`SK` + 32 hex digits). Red team 12:
 * held secret, it made every honest answer of those APIs "a piece of a placed value".
 */
const PUBLIC_BASIC_USER = /^(?:[^\s:@]+@[^\s:@]+\.[A-Za-z]{2,}|(?:AC|SK)[0-9a-fA-F]{32}):(?=\S)/;
const STANDARD_JWT_HEADERS = /^eyJ(?:hbGciOi|0eXAiOi)[A-Za-z0-9_-]*$/;
/**
 * Base64 of the DER that opens a private key of a standard type, up to its first secret byte:
 * PKCS#8 and PKCS#1 RSA (any size: the length fields vary), PKCS#8 and SEC1 EC P-256 / P-384,
 * PKCS#8 Ed25519.
 */
const B64 = '[A-Za-z0-9+/]';
const DER_HEADER = new RegExp(
  [
    `MII${B64}{3}IBADANBgkqhkiG9w0BAQEFAASC${B64}{3}wgg${B64}{2}AgEAAoI${B64}AQ`,
    `MII${B64}{3}IBAAKC${B64}{2}EA`,
    'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg',
    'MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBD',
    'MHcCAQEEI',
    'MIGkAgEBBD',
    'MC4CAQAwBQYDK2VwBCIEI',
  ].join('|'),
  'y',
);
/** Public parts of a value (vendor prefixes, a Basic credential's public user, PEM armour, a JWT header, a URL's or a JSON object's structure: structured-parts.ts), sorted, not overlapping. */
export function publicParts(value: string): Range[] {
  const url = URL_SHAPE.exec(value);
  if (url) return complement(urlSecretParts(value, url, VENDOR_PREFIX), value.length);
  const json = jsonSecretParts(value, publicParts);
  if (json) return complement(json, value.length);
  const parts: Range[] = [];
  const prefix = VENDOR_PREFIX.exec(value) ?? PUBLIC_BASIC_USER.exec(value);
  if (prefix) parts.push([0, prefix[0].length]);
  // Armour, the line breaks around it, and the DER header a key body starts with (the same in
  // every key of a type and size: an agent sending its own key of that kind writes it too).
  const armour = /[\r\n ]*-----(BEGIN|END) [A-Z0-9 ]+-----[\r\n ]*/g;
  for (let m = armour.exec(value); m; m = armour.exec(value)) {
    let end = m.index + m[0].length;
    if (m[1] === 'BEGIN') {
      parts.push(...keyPublicParts(value, m[0], end));
      DER_HEADER.lastIndex = end;
      end += DER_HEADER.exec(value)?.[0].length ?? 0;
    }
    parts.push([m.index, end]);
  }
  // A certificate is sent to every TLS client: a key+certificate bundle keeps only its key secret.
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----[\r\n ]*/g;
  for (let m = certificate.exec(value); m; m = certificate.exec(value)) parts.push([m.index, m.index + m[0].length]);
  // A JWT's header and claims are readable by anyone who sees the token (tokens of one issuer share
  // most of them); what makes it a credential is its signature, the one secret-bearing part.
  const jwt = /^([A-Za-z0-9_-]+)\.(eyJ[A-Za-z0-9_-]*)\.[A-Za-z0-9_-]{16,}$/.exec(value);
  if (jwt && STANDARD_JWT_HEADERS.test(jwt[1]!)) parts.push([0, jwt[1]!.length + 1 + jwt[2]!.length + 1]);
  return normalise(parts);
}

/** The secret-bearing stretches of a value: everything publicParts leaves. */
export function secretStretches(value: string): Range[] {
  return complement(publicParts(value), value.length);
}

/**
 * The secret-bearing stretches of a value as the matcher reads them (each unit lowercased as the
 * window hash lowercases it): what the entropy floor is computed on.
 */
export function secretMaterial(value: string): string[] {
  const u = unitsOf(value);
  return secretStretches(value).map(([a, b]) => {
    let out = '';
    for (let i = a; i < b; i++) out += String.fromCharCode(lowerUnit(u, value.length, i));
    return out;
  });
}

/**
 * Starts of the windows of length `len` indexed for `form`: those made only of secret-bearing
 * characters. A secret-bearing stretch shorter than `len` has none, so its characters are covered
 * by the windows that contain them, public neighbours included (`set` refuses such a value unless
 * the admin allows it: see stretchesTooShort). A value that is all public parts is indexed whole:
 * better too much than nothing.
 */
export function indexedStarts(form: string, len: number): number[] {
  const n = form.length;
  const stretches = secretStretches(form);
  if (stretches.length === 0) return Array.from({ length: n - len + 1 }, (_, s) => s);
  const starts = new Set<number>();
  for (const [a, b] of stretches) {
    if (b - a >= len) {
      for (let s = a; s + len <= b; s++) starts.add(s);
    } else {
      for (let s = Math.max(0, b - len); s <= Math.min(a, n - len); s++) starts.add(s);
    }
  }
  return [...starts].sort((x, y) => x - y);
}

/** How many secret-bearing stretches of `value` are shorter than a window of `window` characters (covered only with public text). */
export function stretchesTooShort(value: string, window: number): number {
  const len = Math.min(window, value.length);
  return secretStretches(value).filter(([a, b]) => b - a < len).length;
}

function normalise(parts: Range[]): Range[] {
  const sorted = parts.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

