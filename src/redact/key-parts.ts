/**
 * The public half of a private key stored as PEM (SPEC §1.4a; red team 13). A PKCS#1 RSA key holds
 * its modulus and exponent, a SEC1 EC key its curve and public point, a PKCS#8 key either of those
 * (or an Ed25519 public key), an OpenSSH key its whole public key twice over: all of it is on every
 * JWKS, `BEGIN PUBLIC KEY` PEM, certificate and `.pub` line, in the very same base64 characters
 * wherever it sits at the same byte alignment. Held secret, an honest read of a public key tripped
 * the wire. So the body is decoded, its structure walked, and the characters that carry only public
 * bytes are reported public; the private exponent, primes, CRT values, EC scalar and Ed25519 seed
 * stay secret-bearing.
 *
 * Fail closed: anything unexpected (an unknown label or algorithm, an encrypted PEM's headers, a
 * length that runs past its parent, trailing bytes) gives no public range, so more is indexed,
 * never less. A base64 character is public only when all 6 of its bits lie in public bytes: a
 * character that carries one secret bit stays indexed.
 */

import { openssh } from './openssh-key.js';

type Range = [number, number];

/** Longest body read, in characters (a 16,384-bit RSA key is about 12,700). */
const MAX_BODY = 65_536;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/**
 * Public ranges (in `value`) of the key whose BEGIN armour `armour` ends at `bodyStart`; empty for
 * anything but a well-formed unencrypted-PEM PKCS#1, SEC1, PKCS#8 or OpenSSH key.
 */
export function keyPublicParts(value: string, armour: string, bodyStart: number): Range[] {
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(armour)?.[1];
  const parse = label === undefined ? undefined : PARSERS.get(label);
  if (!parse) return [];
  const body = readBody(value, bodyStart);
  if (!body) return [];
  let pub: Range[] | null;
  try {
    pub = parse(body.bytes);
  } catch {
    // The parsers check every bound; this only keeps a bug of theirs from failing open or throwing.
    pub = null;
  }
  return pub && pub.length > 0 ? charRanges(body, pub) : [];
}

interface Body {
  /** Position in the value of each base64 character. */
  at: number[];
  /** Positions of the `=` padding. */
  pads: number[];
  bytes: Uint8Array;
}

/**
 * The base64 body from `from` up to its END armour (line breaks and blanks skipped), or null if it
 * is anything else. It stops at the first character that is not base64, so bodies are read once
 * each however many BEGIN lines a value holds.
 */
function readBody(value: string, from: number): Body | null {
  const at: number[] = [];
  const pads: number[] = [];
  const vals: number[] = [];
  let i = from;
  for (; i < value.length && i - from <= MAX_BODY; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c === 0x3d) {
      pads.push(i);
      continue;
    }
    const v = c < 128 ? B64_VALUE[c]! : -1;
    if (v < 0) break;
    // Data after padding.
    if (pads.length > 0) return null;
    at.push(i);
    vals.push(v);
  }
  // Anything before the END armour that is not base64 (an encrypted PEM's `Proc-Type:` header).
  if (!value.startsWith('-----END ', i)) return null;
  if (at.length % 4 === 1 || pads.length > 2 || (pads.length > 0 && (at.length + pads.length) % 4 !== 0)) return null;
  const bytes = new Uint8Array(Math.floor((at.length * 6) / 8));
  for (let k = 0; k < bytes.length; k++) {
    const bit = k * 8;
    const c = Math.floor(bit / 6);
    const word = (vals[c]! << 6) | (vals[c + 1] ?? 0);
    bytes[k] = (word >> (12 - (bit % 6) - 8)) & 0xff;
  }
  return { at, pads, bytes };
}

/** The value's characters that carry only public bytes (`pub`, byte ranges), with the breaks between two of them. */
function charRanges(body: Body, pub: Range[]): Range[] {
  const isPublic = new Uint8Array(body.bytes.length + 1);
  for (const [a, b] of pub) isPublic.fill(1, a, b);
  // Fill bits of a last character past the final byte are zero in every key: public.
  isPublic[body.bytes.length] = 1;
  const out: Range[] = [];
  for (let k = 0; k < body.at.length; k++) {
    const first = (k * 6) >> 3;
    const last = Math.min((k * 6 + 5) >> 3, body.bytes.length);
    if (!isPublic[first] || !isPublic[last]) continue;
    const prev = out.at(-1);
    // Consecutive public characters are one range, the line breaks between them included.
    if (prev && k > 0 && prev[1] === body.at[k - 1]! + 1) prev[1] = body.at[k]! + 1;
    else out.push([body.at[k]!, body.at[k]! + 1]);
  }
  for (const p of body.pads) out.push([p, p + 1]);
  return out;
}

/** A DER element: tag, where it starts, where its contents start and end. */
interface Tlv {
  tag: number;
  start: number;
  body: number;
  end: number;
}

/** The element at `at`, which must end by `limit`; null for anything these key structures never hold. */
function tlv(b: Uint8Array, at: number, limit: number): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = b[at]!;
  if ((tag & 0x1f) === 0x1f) return null;
  let len = b[at + 1]!;
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // Indefinite length (0x80) is BER, not DER; over 3 length bytes is over 16 MiB.
    if (n === 0 || n > 3 || body + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[body + i]!;
    body += n;
  }
  return body + len <= limit ? { tag, start: at, body, end: body + len } : null;
}

/** The elements inside `t`, which must fill it exactly; null otherwise. */
function children(b: Uint8Array, t: Tlv): Tlv[] | null {
  const out: Tlv[] = [];
  for (let at = t.body; at < t.end; ) {
    const c = tlv(b, at, t.end);
    if (!c) return null;
    out.push(c);
    at = c.end;
  }
  return out;
}

/** The one element filling [from, to) exactly, of tag `tag`. */
function only(b: Uint8Array, from: number, to: number, tag: number): Tlv | null {
  const t = tlv(b, from, to);
  return t && t.tag === tag && t.end === to ? t : null;
}

const head = (t: Tlv): Range => [t.start, t.body];
const whole = (t: Tlv): Range => [t.start, t.end];
const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;

/** RSAPrivateKey {version 0, n, e, d, p, q, dp, dq, qinv}: structure, version, n and e are public. */
function pkcs1(b: Uint8Array, from: number, to: number): Range[] | null {
  const top = only(b, from, to, SEQUENCE);
  const k = top && children(b, top);
  // Nine INTEGERs; version 1 (multi-prime, with otherPrimeInfos) is not read.
  if (!top || !k || k.length !== 9 || k.some((t) => t.tag !== INTEGER) || !isSmall(b, k[0]!, 0)) return null;
  return [head(top), whole(k[0]!), whole(k[1]!), whole(k[2]!), ...k.slice(3).map(head)];
}

/** ECPrivateKey {version 1, privateKey, [0] parameters, [1] publicKey}: all but the scalar is public. */
function sec1(b: Uint8Array, from: number, to: number): Range[] | null {
  const top = only(b, from, to, SEQUENCE);
  const k = top && children(b, top);
  if (!top || !k || k.length < 2 || k[0]!.tag !== INTEGER || !isSmall(b, k[0]!, 1) || k[1]!.tag !== OCTET_STRING) return null;
  const rest = k.slice(2);
  // Parameters then public key, each at most once, in that order.
  const tags = rest.map((t) => t.tag).join(',');
  if (!['', '160', '161', '160,161'].includes(tags)) return null;
  return [head(top), whole(k[0]!), head(k[1]!), ...rest.map(whole)];
}

/** OneAsymmetricKey's algorithm OIDs (DER contents, hex) → how the private key inside is read. */
const PKCS8_INNER = new Map<string, (b: Uint8Array, from: number, to: number) => Range[] | null>([
  ['2a864886f70d010101', pkcs1], // rsaEncryption
  ['2a864886f70d01010a', pkcs1], // RSASSA-PSS
  ['2a8648ce3d0201', sec1], // id-ecPublicKey
  ['2b656e', curvePrivateKey], // X25519
  ['2b656f', curvePrivateKey], // X448
  ['2b6570', curvePrivateKey], // Ed25519
  ['2b6571', curvePrivateKey], // Ed448
]);

/** CurvePrivateKey (RFC 8410): an OCTET STRING of the seed, all secret but its header. */
function curvePrivateKey(b: Uint8Array, from: number, to: number): Range[] | null {
  const t = only(b, from, to, OCTET_STRING);
  return t ? [head(t)] : null;
}

/**
 * PrivateKeyInfo / OneAsymmetricKey {version, algorithm, privateKey, [0] attributes, [1] publicKey}:
 * structure, version, algorithm and public key are public, and the inner key as its type says.
 * Attributes stay secret (rare, and nothing here knows what they carry).
 */
function pkcs8(b: Uint8Array): Range[] | null {
  const top = only(b, 0, b.length, SEQUENCE);
  const k = top && children(b, top);
  if (!top || !k || k.length < 3 || k.length > 5) return null;
  const [version, alg, key] = k as [Tlv, Tlv, Tlv];
  if (version.tag !== INTEGER || !(isSmall(b, version, 0) || isSmall(b, version, 1)) || alg.tag !== SEQUENCE || key.tag !== OCTET_STRING) return null;
  const rest = k.slice(3);
  const tags = rest.map((t) => t.tag).join(',');
  if (!['', '160', '129', '160,129'].includes(tags)) return null;
  const oid = tlv(b, alg.body, alg.end);
  if (!oid || oid.tag !== 0x06) return null;
  const inner = PKCS8_INNER.get(Buffer.from(b.subarray(oid.body, oid.end)).toString('hex'));
  const innerParts = inner?.(b, key.body, key.end);
  if (!innerParts) return null;
  return [head(top), whole(version), whole(alg), head(key), ...innerParts, ...rest.filter((t) => t.tag === 129).map(whole)];
}

/** Whether INTEGER `t` is the one-byte `n`. */
function isSmall(b: Uint8Array, t: Tlv, n: number): boolean {
  return t.end - t.body === 1 && b[t.body] === n;
}

// Maps, not objects: a label or key type read from the value never finds an inherited property.
const PARSERS = new Map<string, (b: Uint8Array) => Range[] | null>([
  ['RSA PRIVATE KEY', (b) => pkcs1(b, 0, b.length)],
  ['EC PRIVATE KEY', (b) => sec1(b, 0, b.length)],
  ['PRIVATE KEY', pkcs8],
  ['OPENSSH PRIVATE KEY', openssh],
]);
