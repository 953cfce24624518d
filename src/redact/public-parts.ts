/**
 * Which characters of a value are secret-bearing (SPEC §1.4a, "precise secret material"). Only
 * those are indexed: a window (./fingerprints) never includes a public character, so no guess can
 * start from text every such value shares (a vendor prefix, PEM armour, a standard JWT header, a
 * URL's scheme, host, port, dictionary path words and query keys), and an honest agent writing that
 * text trips nothing. The entropy floor at `set` is computed on exactly these characters, folded
 * the way the matcher folds them (`secretMaterial`).
 */
import { lowerUnit, unitsOf } from './lowercase.js';

export type Range = [number, number];

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
/**
 * scheme://[userinfo@]host path ?query #fragment, one token with no white space. The userinfo runs
 * to the last "@" before any query: a password with an unencoded "/" is still all userinfo (a
 * stricter parser would read part of it as the host, which is public).
 */
const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)((?:[^?#\s]*@)?)([^/?#\s]*)([^?#\s]*)(\?[^#\s]*)?(#\S*)?$/;

/** Public parts of a value (vendor prefixes, a Basic credential's public user, PEM armour, a JWT header, a URL's structure), sorted, not overlapping. */
export function publicParts(value: string): Range[] {
  const url = URL_SHAPE.exec(value);
  if (url) return complement(urlSecretParts(value, url), value.length);
  const parts: Range[] = [];
  const prefix = VENDOR_PREFIX.exec(value) ?? PUBLIC_BASIC_USER.exec(value);
  if (prefix) parts.push([0, prefix[0].length]);
  // Armour, the line breaks around it, and the DER header a key body starts with (the same in
  // every key of a type and size: an agent sending its own key of that kind writes it too).
  const armour = /[\r\n ]*-----(BEGIN|END) [A-Z0-9 ]+-----[\r\n ]*/g;
  for (let m = armour.exec(value); m; m = armour.exec(value)) {
    let end = m.index + m[0].length;
    if (m[1] === 'BEGIN') {
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

/**
 * The secret-bearing parts of a URL-shaped value: the userinfo password, the user when it does not
 * read as a word, and path segments, query values and a fragment that do not. Never the scheme,
 * host, port, separators or query keys. Secret parts one separator apart (`T0…/B0…/xyz`,
 * `user:password`) are one stretch: the separator between two secret tokens is no public text a
 * guess could start from, and joining them keeps each stretch long enough to be indexed.
 */
function urlSecretParts(value: string, m: RegExpExecArray): Range[] {
  const secret: Range[] = [];
  let at = m[1]!.length;
  const userinfo = m[2]!.slice(0, -1);
  if (userinfo) {
    const colon = userinfo.indexOf(':');
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (looksSecret(user)) secret.push([at, at + user.length]);
    if (colon >= 0 && colon + 1 < userinfo.length) secret.push([at + colon + 1, at + userinfo.length]);
  }
  at += m[2]!.length + m[3]!.length;
  const path = m[4]!;
  tokens(path, /[^/;]+/g, at, (s, e, t) => looksSecret(t) && secret.push([s, e]));
  at += path.length;
  const query = m[5] ?? '';
  tokens(query, /[^?&;]+/g, at, (s, e, pair) => {
    const eq = pair.indexOf('=');
    const v = eq >= 0 ? pair.slice(eq + 1) : pair;
    if (looksSecret(v)) secret.push([e - v.length, e]);
  });
  at += query.length;
  const fragment = (m[6] ?? '').slice(1);
  if (looksSecret(fragment)) secret.push([at + 1, value.length]);
  const joined: Range[] = [];
  for (const r of secret) {
    // A token in a URL may carry a vendor prefix of its own (`https://x:ghp_…@host`).
    r[0] += VENDOR_PREFIX.exec(value.slice(r[0], r[1]))?.[0].length ?? 0;
    if (r[1] <= r[0]) continue;
    const last = joined.at(-1);
    if (last && r[0] - last[1] <= 1) last[1] = r[1];
    else joined.push([r[0], r[1]]);
  }
  return joined;
}

function tokens(text: string, re: RegExp, offset: number, each: (start: number, end: number, token: string) => void): void {
  for (const t of text.matchAll(re)) each(offset + t.index, offset + t.index + t[0].length, t[0]);
}

/**
 * Whether a URL token (path segment, user, query value) can carry a secret. Words (lowercase,
 * Capitalised or camelCase, with - _ . separators, up to two trailing digits as in `oauth2`),
 * versions (`v1`, `v2beta1`) and numbers (ports, account and project ids) are public: every such URL has them, and an agent
 * writes them honestly. Anything else (digits and letters mixed, random case, long runs) is secret.
 */
function looksSecret(token: string): boolean {
  if (token.length === 0) return false;
  if (/^v\d+(?:\.\d+)*(?:[a-z]+\d*)?$/i.test(token)) return false;
  if (/^\d{1,12}$/.test(token)) return false;
  if (/^[a-z]{1,20}(?:[-_.~+][a-z]{1,20})*\d{0,2}$/.test(token)) return false;
  if (/^[A-Z]?[a-z]{1,20}(?:[A-Z][a-z]{1,20}){0,3}$/.test(token)) return false;
  if (/^[A-Z]{1,8}$/.test(token)) return false;
  return true;
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

/** The ranges of [0, n) not in `ranges` (sorted, not overlapping). */
function complement(ranges: Range[], n: number): Range[] {
  const out: Range[] = [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (at < n) out.push([at, n]);
  return out;
}
