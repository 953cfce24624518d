/**
 * The secret-bearing parts of values with a structure of their own (SPEC §1.4a): a URL and a JSON
 * object. Their syntax (a URL's scheme, host, port, separators and query keys; a JSON object's
 * punctuation and keys) is public, and so is every token an honest agent writes too: dictionary
 * words, versions, numeric ids, email addresses. What stays is what is random: a token that does
 * not read as words, or any token of at least a window under a key that names a credential.
 * Red team 13: a shape test alone (small letters, at most 12 digits) let a random 20-letter
 * signature, a passphrase in `?password=` and a 12-digit access code out of the index, and a key
 * file's field names and fixed URLs into it.
 */
import { complement, type Range } from './ranges.js';
import { readsAsWords } from './word-like.js';

// This module is called by public-parts.ts, which hands it its own publicParts (for JSON leaves) and
// vendor prefixes: imported, they would make a cycle.
type PartsOf = (text: string) => Range[];

/** A window (fingerprints.ts WINDOW, not imported: fingerprints imports this module's parent). */
const WINDOW = 12;

/**
 * Words that make a key name a credential's: a query key or JSON key whose last word is one of
 * these holds a secret whatever it looks like (`password`, `access_token`, `X-Amz-Signature`,
 * `client_secret`, `private_key`, `sig`, `code`).
 */
const CREDENTIAL_WORDS = new Set(['password', 'passwd', 'passphrase', 'pass', 'pwd', 'secret', 'token', 'key', 'apikey', 'sig', 'signature', 'auth', 'authorization', 'code', 'otp', 'pin', 'credential', 'credentials', 'session', 'sid', 'cookie', 'jwt']);

/** The words of a key name, lowercased: `X-Amz-Signature` → x, amz, signature; `clientSecret` → client, secret. */
function keyWords(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}

/** Whether a key names a credential: its last word does (`token_type` does not: it names a type). */
export function namesCredential(key: string): boolean {
  const words = keyWords(key);
  return words.length > 0 && CREDENTIAL_WORDS.has(words.at(-1)!) && !words.includes('public');
}

/**
 * Whether a key names an identifier the vendor shows in its own listings and URLs (`project_id`,
 * `client_id`, `accountId`): last word `id`, no credential word before it (`private_key_id`,
 * `session_id` are judged by what they hold).
 */
function namesIdentifier(key: string): boolean {
  const words = keyWords(key);
  return words.at(-1) === 'id' && !words.some((w) => CREDENTIAL_WORDS.has(w) || w === 'private');
}

const EMAIL = /^[^\s:@/]+@[^\s:@/]+\.[A-Za-z]{2,}$/;

/**
 * What the shape test alone calls public: words (lowercase, Capitalised or camelCase, with - _ . ~ +
 * separators, up to two trailing digits as in `oauth2`), short standard names (`x509`, `sha256`),
 * versions (`v1`, `v2beta1`), numbers of up to 12 digits and up to 8 capitals.
 */
function shapedLikeWords(token: string): boolean {
  return (
    /^v\d+(?:\.\d+)*(?:[a-z]+\d*)?$/i.test(token) ||
    /^\d{1,12}$/.test(token) ||
    /^[a-z]{1,4}\d{1,3}$/.test(token) ||
    /^[a-z]{1,20}(?:[-_.~+][a-z]{1,20})*\d{0,2}$/.test(token) ||
    /^[A-Z]?[a-z]{1,20}(?:[A-Z][a-z]{1,20}){0,3}$/.test(token) ||
    /^[A-Z]{1,8}$/.test(token)
  );
}

/**
 * Whether a token can carry a secret. Shaped like anything but words: yes. Shaped like words and
 * shorter than a window: no (it cannot be matched on its own, and `set` would refuse the value for
 * it). A window or longer: yes under a credential key (a passphrase is words, an access code
 * digits), else unless it is a numeric id, a version or reads as words (readsAsWords).
 */
export function secretToken(token: string, underCredentialKey: boolean): boolean {
  if (token.length === 0) return false;
  if (!shapedLikeWords(token)) return true;
  if (token.length < WINDOW) return false;
  if (underCredentialKey) return true;
  if (/^\d+$/.test(token) || /^v\d/i.test(token)) return false;
  return !readsAsWords(token);
}

/** scheme://[userinfo@]host path ?query #fragment, one token with no white space (see urlSecretParts). */
export const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)((?:[^?#\s]*@)?)([^/?#\s]*)([^?#\s]*)(\?[^#\s]*)?(#\S*)?$/;

function percentDecoded(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}

/**
 * The secret-bearing parts of a URL-shaped value (`m` from URL_SHAPE): the userinfo password, the
 * user, path segments, query values and a fragment when secretToken says so. A path segment that is
 * an email address (a service account's, in its certificate URL) is public as the Basic user is.
 * Never the scheme, host, port, separators or query keys. The userinfo runs to the last "@" before
 * any query: a password with an unencoded "/" is still all userinfo. Secret parts one separator
 * apart (`T0…/B0…/xyz`, `user:password`) are one stretch: the separator between two secret tokens
 * is no public text a guess could start from, and joining them keeps each stretch long enough.
 */
export function urlSecretParts(value: string, m: RegExpExecArray, vendorPrefix: RegExp): Range[] {
  const secret: Range[] = [];
  let at = m[1]!.length;
  const userinfo = m[2]!.slice(0, -1);
  if (userinfo) {
    const colon = userinfo.indexOf(':');
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (secretToken(user, false)) secret.push([at, at + user.length]);
    if (colon >= 0 && colon + 1 < userinfo.length) secret.push([at + colon + 1, at + userinfo.length]);
  }
  at += m[2]!.length + m[3]!.length;
  const path = m[4]!;
  for (const t of path.matchAll(/[^/;]+/g)) {
    if (!EMAIL.test(percentDecoded(t[0])) && secretToken(t[0], false)) secret.push([at + t.index, at + t.index + t[0].length]);
  }
  at += path.length;
  const query = m[5] ?? '';
  for (const t of query.matchAll(/[^?&;]+/g)) {
    const eq = t[0].indexOf('=');
    const v = eq >= 0 ? t[0].slice(eq + 1) : t[0];
    const end = at + t.index + t[0].length;
    if (secretToken(v, eq >= 0 && namesCredential(percentDecoded(t[0].slice(0, eq))))) secret.push([end - v.length, end]);
  }
  at += query.length;
  const fragment = (m[6] ?? '').slice(1);
  if (secretToken(fragment, false)) secret.push([at + 1, value.length]);
  const joined: Range[] = [];
  for (const r of secret) {
    // A token in a URL may carry a vendor prefix of its own (`https://x:ghp_…@host`).
    r[0] += vendorPrefix.exec(value.slice(r[0], r[1]))?.[0].length ?? 0;
    if (r[1] <= r[0]) continue;
    const last = joined.at(-1);
    if (last && r[0] - last[1] <= 1) last[1] = r[1];
    else joined.push([r[0], r[1]]);
  }
  return joined;
}

/** A JSON string as written (`start` at its opening quote) and as decoded; `at[i]` is where decoded unit i is written, `at[text.length]` the closing quote. */
interface JsonString {
  start: number;
  text: string;
  at: number[];
}

const ESCAPED: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readString(value: string, start: number): JsonString {
  let text = '';
  const at: number[] = [];
  let i = start + 1;
  while (value[i] !== '"') {
    at.push(i);
    if (value[i] === '\\') {
      const e = value[i + 1]!;
      if (e === 'u') {
        text += String.fromCharCode(parseInt(value.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        text += ESCAPED[e];
        i += 2;
      }
    } else text += value[i++];
  }
  at.push(i);
  return { start, text, at };
}

/**
 * The secret-bearing parts of a value that is a JSON object (a credential file: a service-account
 * key, an OAuth client, a token cache), or undefined when it is not one or its leaves give nothing
 * this can index alone (then the value is read as text, as before). Keys and punctuation are
 * public: every file of the kind has them. A leaf is judged as a value of its own (publicParts of
 * the decoded string: a URL's structure, a PEM's armour and DER header once `\n` is a line break
 * again, a vendor prefix, a JWT header), its public parts mapped back through the escapes; what is
 * left is secret when its key names a credential or secretToken says so, and public when its key
 * names an identifier or it is an email address (a service account's is in every IAM listing, as
 * the Basic user is in PUBLIC_BASIC_USER).
 */
export function jsonSecretParts(value: string, publicParts: PartsOf): Range[] | undefined {
  if (!/^\s*\{[\s\S]*\}\s*$/.test(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  } catch {
    return undefined;
  }
  const secret: Range[] = [];
  // Open containers, each with the key it is under: an array's elements are under the array's key.
  const open: Array<{ array: boolean; key: string }> = [];
  let key = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '{' || c === '[') open.push({ array: c === '[', key });
    else if (c === '}' || c === ']') open.pop();
    else if (c === '"' || /[-\dtfn]/.test(c)) {
      const s = c === '"' ? readString(value, i) : literal(value, i);
      i = s.at.at(-1)! - (c === '"' ? 0 : 1);
      let j = i + 1;
      while (/\s/.test(value[j] ?? '')) j++;
      const top = open.at(-1)!;
      if (c === '"' && value[j] === ':' && !top.array) key = s.text;
      else secret.push(...leafSecretParts(s, top.array ? top.key : key, publicParts));
    }
  }
  if (secret.length === 0 || secret.some(([a, b]) => b - a < WINDOW)) return undefined;
  return secret;
}

/** A number, true, false or null at `i`, as a JsonString with no escapes. */
function literal(value: string, i: number): JsonString {
  const text = /^[-\w.+]+/.exec(value.slice(i, i + 64))![0];
  return { start: i, text, at: Array.from({ length: text.length + 1 }, (_, k) => i + k) };
}

/** The secret stretches of one leaf under `key`, in positions of the whole value. */
function leafSecretParts(s: JsonString, key: string, publicParts: PartsOf): Range[] {
  const d = s.text;
  if (d.length === 0) return [];
  const inner = publicParts(d);
  let stretches: Range[];
  if (inner.length > 0) stretches = complement(inner, d.length);
  else if (namesCredential(key)) stretches = secretToken(d, true) ? [[0, d.length]] : [];
  else if (namesIdentifier(key) || EMAIL.test(d)) stretches = [];
  // Prose (a description, a display name): each word judged alone, without its punctuation.
  else stretches = [...d.matchAll(/[\w@%+~/=-]+(?:\.[\w@%+~/=-]+)*/g)].filter((t) => secretToken(t[0], false)).map((t) => [t.index, t.index + t[0].length] as Range);
  return stretches.map(([a, b]) => [s.at[a]!, s.at[b]!] as Range);
}

