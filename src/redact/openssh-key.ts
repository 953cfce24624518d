/**
 * The public bytes of an OpenSSH private key (`BEGIN OPENSSH PRIVATE KEY`, what ssh-keygen writes by
 * default), for ./key-parts: its header is the same in every unencrypted key of a type, and it holds
 * its own public key twice (the `.pub` line, a forge's `.keys` page show it). Bounds-checked like
 * the DER reader there: anything unexpected is null (no public bytes), never an exception.
 */

type Range = [number, number];

/** A string's start, where its bytes start, and its end. */
interface Str {
  start: number;
  body: number;
  end: number;
}

const head = (t: Str): Range => [t.start, t.body];
const whole = (t: Str): Range => [t.start, t.end];

/** An SSH wire string (uint32 length, bytes) at `at`, ending by `limit`. */
function sshString(b: Uint8Array, at: number, limit: number): Str | null {
  if (at + 4 > limit) return null;
  const len = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  return at + 4 + len <= limit ? { start: at, body: at + 4, end: at + 4 + len } : null;
}

const text = (b: Uint8Array, t: Str): string => Buffer.from(b.subarray(t.body, t.end)).toString('latin1');
const MAGIC = 'openssh-key-v1\0';

/**
 * PROTOCOL.key: magic, cipher, KDF, KDF options, key count, public keys, then the private section
 * (check integers, and per key its type, public fields, private fields and comment, then padding).
 * All is public but the private fields' contents; an encrypted private section is secret whole.
 */
export function openssh(b: Uint8Array): Range[] | null {
  if (b.length < MAGIC.length || Buffer.from(b.subarray(0, MAGIC.length)).toString('latin1') !== MAGIC) return null;
  const pub: Range[] = [[0, MAGIC.length]];
  let at = MAGIC.length;
  const fields: Str[] = [];
  for (let i = 0; i < 3; i++) {
    const s = sshString(b, at, b.length);
    if (!s) return null;
    fields.push(s);
    at = s.end;
  }
  if (at + 4 > b.length) return null;
  const count = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  if (count < 1 || count > 16) return null;
  pub.push([MAGIC.length, at + 4]);
  at += 4;
  for (let i = 0; i < count; i++) {
    const s = sshString(b, at, b.length);
    if (!s) return null;
    pub.push(whole(s));
    at = s.end;
  }
  const section = sshString(b, at, b.length);
  if (!section) return null;
  pub.push(head(section));
  // Encrypted: the section is ciphertext, secret whole, and so is an AEAD cipher's tag after it.
  if (text(b, fields[0]!) !== 'none') return pub;
  if (section.end !== b.length) return null;
  const keys = privateSection(b, section.body, section.end, count);
  return keys ? [...pub, ...keys] : null;
}

/** Private fields per key type: how many public strings/mpints come first, then how many secret ones. */
const SSH_KEY_FIELDS = new Map<string, [number, number]>([
  ['ssh-ed25519', [1, 1]],
  ['ssh-rsa', [2, 4]],
  ['ecdsa-sha2-nistp256', [2, 1]],
  ['ecdsa-sha2-nistp384', [2, 1]],
  ['ecdsa-sha2-nistp521', [2, 1]],
]);

function privateSection(b: Uint8Array, from: number, to: number, count: number): Range[] | null {
  if (from + 8 > to) return null;
  for (let i = 0; i < 4; i++) if (b[from + i] !== b[from + 4 + i]) return null;
  // The check integers: random per key, compared only after a decryption, so no secret rests on
  // them; held secret they would be a stretch of 10 characters between public parts (`set` refuses).
  const pub: Range[] = [[from, from + 8]];
  let at = from + 8;
  const next = (): Str | null => {
    const s = sshString(b, at, to);
    if (s) at = s.end;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const type = next();
    const kind = type ? text(b, type) : '';
    const fields = SSH_KEY_FIELDS.get(kind);
    if (!type || !fields) return null;
    pub.push(whole(type));
    const publicFields: Str[] = [];
    for (let j = 0; j < fields[0]; j++) {
      const s = next();
      if (!s) return null;
      publicFields.push(s);
      pub.push(whole(s));
    }
    for (let j = 0; j < fields[1]; j++) {
      const s = next();
      if (!s) return null;
      pub.push(head(s));
      // Ed25519's private key is seed ‖ public key: the second half is the public key again.
      if (kind === 'ssh-ed25519') {
        const p = publicFields[0]!;
        if (s.end - s.body !== 64 || p.end - p.body !== 32) return null;
        if (Buffer.compare(b.subarray(s.body + 32, s.end), b.subarray(p.body, p.end)) !== 0) return null;
        pub.push([s.body + 32, s.end]);
      }
    }
    const comment = next();
    if (!comment) return null;
    pub.push(whole(comment));
  }
  // Padding 1, 2, 3 … to the cipher's block size.
  for (let i = at; i < to; i++) if (b[i] !== i - at + 1) return null;
  pub.push([at, to]);
  return pub;
}
