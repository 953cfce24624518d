// Third red team of issue 18, family 4 (spellings of kinds not decoded), new members only (the
// first and second red teams' are in redteam-spellings.test.ts and redteam2-spellings.test.ts).
// The key is placed in a header and a careless upstream writes what it got back the way a real
// stack would. Each entry names the stack; `read` is the reader that stack implies, so the test
// shows the agent gets the whole value back from what it is shown. `it.fails` marks layouts that
// reach the agent today. README "Not promised" has a generic clause ("an encoding the redactor does
// not decode gets through") that arguably covers the pure encodings here; they are listed because
// SPEC §1.4 asks to decode "the ways real stacks encode text" and a typed array of 8-bit elements
// (Node's Uint8Array JSON) already is decoded while the same array of 16- or 32-bit elements is not.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visible } from '../helpers/mcp.js';
import { listenOn, servedUntilWithheld } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'rt3-spl-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
const parts = (v: string, n: number) => v.match(new RegExp(`[^]{1,${n}}`, 'g'))!;
const padTo = (b: Buffer, n: number) => Buffer.concat([b, Buffer.alloc((n - (b.length % n)) % n)]);

/** Big-endian integer of the bytes, written in `alphabet` (base58, base62, base36: no padding, leading zero bytes dropped). */
function baseN(bytes: Buffer, alphabet: string): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  const radix = BigInt(alphabet.length);
  let out = '';
  while (n > 0n) {
    out = alphabet[Number(n % radix)]! + out;
    n /= radix;
  }
  return out;
}
function fromBaseN(text: string, alphabet: string): Buffer {
  let n = 0n;
  for (const c of text) n = n * BigInt(alphabet.length) + BigInt(alphabet.indexOf(c));
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** ZeroMQ's Z85 (RFC 32/Z85): four bytes as five characters of its own alphabet. */
const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
function z85(bytes: Buffer): string {
  const b = padTo(bytes, 4);
  let out = '';
  for (let i = 0; i < b.length; i += 4) {
    let n = b.readUInt32BE(i);
    let group = '';
    for (let k = 0; k < 5; k++, n = Math.floor(n / 85)) group = Z85[n % 85]! + group;
    out += group;
  }
  return out;
}
function unz85(text: string): Buffer {
  const out = Buffer.alloc((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let n = 0;
    for (const c of text.slice(i, i + 5)) n = n * 85 + Z85.indexOf(c);
    out.writeUInt32BE(n >>> 0, (i / 5) * 4);
  }
  return out;
}

/** RFC 4648 base32 with another alphabet (§7 "base32hex", DNSSEC NSEC3; Crockford's, ULIDs), no padding. */
function base32(bytes: Buffer, alphabet: string): string {
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const x of bytes) {
    acc = ((acc << 8) | x) & 0xffff;
    bits += 8;
    while (bits >= 5) out += alphabet[(acc >> (bits -= 5)) & 31];
  }
  return bits ? out + alphabet[(acc << (5 - bits)) & 31] : out;
}
function unbase32(text: string, alphabet: string): Buffer {
  let bits = 0;
  let acc = 0;
  const out: number[] = [];
  for (const c of text) {
    acc = ((acc << 5) | alphabet.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) out.push((acc >> (bits -= 8)) & 255);
  }
  return Buffer.from(out);
}
const BASE32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Base64 in the crypt(3)/passlib "h64" alphabet (`./0-9A-Za-z`), as in `$5$`/`$6$` hashes and passlib's ab64. */
const STD64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const H64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const translate = (t: string, from: string, to: string) => [...t].map((c) => (from.includes(c) ? to[from.indexOf(c)] : c)).join('');

/** CryptoJS `JSON.stringify(CryptoJS.enc.Utf8.parse(s))`: a WordArray, big-endian signed 32-bit words. */
function wordArray(bytes: Buffer): string {
  const b = padTo(bytes, 4);
  const words: number[] = [];
  for (let i = 0; i < b.length; i += 4) words.push(b.readInt32BE(i));
  return JSON.stringify({ words, sigBytes: bytes.length });
}
function fromWordArray(text: string): Buffer {
  const { words, sigBytes } = JSON.parse(text) as { words: number[]; sigBytes: number };
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeInt32BE(w, i * 4));
  return b.subarray(0, sigBytes);
}

/** `JSON.stringify(new Uint16Array(buf))` / `new Uint32Array(buf)` (little-endian, as on x86 and ARM). */
function typedArray(bytes: Buffer, width: 2 | 4): string {
  const b = padTo(bytes, width);
  const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
  return JSON.stringify({ data: width === 2 ? new Uint16Array(ab) : new Uint32Array(ab) });
}
function fromTypedArray(text: string, width: 2 | 4): Buffer {
  const values = Object.values((JSON.parse(text) as { data: Record<string, number> }).data);
  const b = Buffer.alloc(values.length * width);
  values.forEach((n, i) => (width === 2 ? b.writeUInt16LE(n, i * 2) : b.writeUInt32LE(n, i * 4)));
  return b;
}


/** IBM code page 037 (EBCDIC) for the characters keys are made of. */
const EBCDIC: Record<string, number> = { '-': 0x60, _: 0x6d, '.': 0x4b, '=': 0x7e };
for (let i = 0; i < 26; i++) {
  const lower = i < 9 ? 0x81 + i : i < 18 ? 0x91 + i - 9 : 0xa2 + i - 18;
  EBCDIC[String.fromCharCode(97 + i)] = lower;
  EBCDIC[String.fromCharCode(65 + i)] = lower + 0x40;
}
for (let d = 0; d < 10; d++) EBCDIC[String(d)] = 0xf0 + d;
const FROM_EBCDIC = new Map(Object.entries(EBCDIC).map(([c, b]) => [b, c]));

/** RFC 9285 base45 (EU Digital COVID Certificate QR payloads): two bytes as three characters. */
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function base45(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      const n = bytes[i]! * 256 + bytes[i + 1]!;
      out += B45[n % 45]! + B45[Math.floor(n / 45) % 45]! + B45[Math.floor(n / 2025)]!;
    } else out += B45[bytes[i]! % 45]! + B45[Math.floor(bytes[i]! / 45)]!;
  }
  return out;
}
function unbase45(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 3) {
    const [a, b, c] = [...text.slice(i, i + 3)].map((ch) => B45.indexOf(ch));
    if (c === undefined) out.push(a! + b! * 45);
    else {
      const n = a! + b! * 45 + c * 2025;
      out.push(n >> 8, n & 255);
    }
  }
  return Buffer.from(out);
}

const LEAKS: Record<string, { write: (v: string) => string | Buffer; read: (shown: string) => string; type?: string }> = {
  'CryptoJS WordArray JSON (signed big-endian 32-bit words)': {
    write: (v) => wordArray(Buffer.from(v)),
    read: (t) => fromWordArray(t).toString(),
    type: 'application/json',
  },
  'JSON of a Uint32Array (an object keyed by index)': {
    write: (v) => typedArray(Buffer.from(v), 4),
    read: (t) => fromTypedArray(t, 4).toString(),
    type: 'application/json',
  },
  'JSON of a Uint16Array (an object keyed by index)': {
    write: (v) => typedArray(Buffer.from(v), 2),
    read: (t) => fromTypedArray(t, 2).toString(),
    type: 'application/json',
  },
  'base58 (Bitcoin alphabet: Solana keys, IPFS ids)': {
    write: (v) => JSON.stringify({ secretKey: baseN(Buffer.from(v), BASE58) }),
    read: (t) => fromBaseN((JSON.parse(t) as { secretKey: string }).secretKey, BASE58).toString(),
  },
  'base62 of the bytes as one integer': {
    write: (v) => `id=${baseN(Buffer.from(v), BASE62)}`,
    read: (t) => fromBaseN(t.slice(3), BASE62).toString(),
  },
  'base36 of the bytes as one integer': {
    write: (v) => `id=${baseN(Buffer.from(v), BASE36)}`,
    read: (t) => fromBaseN(t.slice(3), BASE36).toString(),
  },
  "decimal integer of the bytes (Python int.from_bytes(key, 'big'))": {
    write: (v) => `n = ${BigInt(`0x${Buffer.from(v).toString('hex')}`).toString(10)}`,
    read: (t) => fromBaseN(t.slice(4), '0123456789').toString(),
  },
  'Z85 (ZeroMQ CURVE keys)': {
    write: (v) => `public-key = "${z85(Buffer.from(v))}"`,
    read: (t) => unz85(t.split('"')[1]!).toString(),
  },
  'base32hex (RFC 4648 §7, DNSSEC NSEC3)': {
    write: (v) => base32(Buffer.from(v), BASE32HEX),
    read: (t) => unbase32(t, BASE32HEX).toString(),
  },
  "Crockford's base32 (ULIDs)": {
    write: (v) => base32(Buffer.from(v), CROCKFORD),
    read: (t) => unbase32(t, CROCKFORD).toString(),
  },
  'crypt(3) / passlib h64 alphabet base64 (./0-9A-Za-z)': {
    write: (v) => `$6$${translate(Buffer.from(v).toString('base64').replace(/=+$/, ''), STD64, H64)}`,
    read: (t) => Buffer.from(translate(t.slice(3), H64, STD64), 'base64').toString(),
  },
  'Perl unpack("h*"): hex with the low nibble first': {
    write: (v) => [...Buffer.from(v)].map((b) => (b & 15).toString(16) + (b >> 4).toString(16)).join(''),
    read: (t) => Buffer.from(t.match(/../g)!.map((p) => parseInt(p[1]! + p[0]!, 16))).toString(),
  },
  'Perl unpack("b*"): bits with the least significant first': {
    write: (v) => [...Buffer.from(v)].map((b) => [...b.toString(2).padStart(8, '0')].reverse().join('')).join(''),
    read: (t) => Buffer.from(t.match(/.{8}/g)!.map((p) => parseInt([...p].reverse().join(''), 2))).toString(),
  },
  'nroff bold by overstrike (c BS c: man pages, `less -R` captures)': {
    write: (v) => `KEY\n       ${[...v].map((c) => `${c}\b${c}`).join('')}\n`,
    read: (t) => t.replace(/[^]\u0008/g, ''),
  },
  'nroff underline by overstrike (_ BS c)': {
    write: (v) => `KEY\n       ${[...v].map((c) => `_\b${c}`).join('')}\n`,
    read: (t) => t.replace(/[^]\u0008/g, ''),
  },
  'terminal OSC 8 hyperlinks around pieces of the value': {
    write: (v) => parts(v, 6).map((p) => `\u001b]8;;https://docs.example.com/keys\u0007${p}\u001b]8;;\u0007`).join(''),
    read: (t) => t.replace(/\u001b\]8;;[^\u0007]*\u0007/g, ''),
  },
  'PDF text shown with a kerned TJ array': {
    write: (v) => `BT /F1 10 Tf 72 700 Td [(API key: )${parts(v, 4).map((p) => `(${p})`).join(' -15 ')}] TJ ET`,
    read: (t) => [...t.matchAll(/\(([^)]*)\)/g)].map((m) => m[1]).join(''),
  },
  'HTTP/1.1 chunked framing left in a body (a raw wire dump)': {
    write: (v) => parts(JSON.stringify({ token: v }), 7).map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n',
    read: (t) => t.split('\r\n').filter((_, i) => i % 2 === 1).join(''),
  },
  'JSON object whose fields hold pieces below a window (key_part_1, key_part_2, ...)': {
    write: (v) => JSON.stringify(Object.fromEntries(parts(v, 10).map((p, i) => [`key_part_${i + 1}`, p]))),
    read: (t) => Object.values(JSON.parse(t) as Record<string, string>).join(''),
    type: 'application/json',
  },
  'an invalid UTF-8 byte after every 4 bytes (U+FFFD in the shown text)': {
    write: (v) => Buffer.concat(parts(v, 4).map((p) => Buffer.concat([Buffer.from(p), Buffer.from([0xff])]))),
    read: (t) => t.replace(/\ufffd/g, ''),
  },
  'binary with a blank between nibbles (0111 0011 …)': {
    write: (v) => [...Buffer.from(v)].map((b) => b.toString(2).padStart(8, '0').replace(/^(.{4})/, '$1 ')).join(' '),
    read: (t) => Buffer.from(t.replace(/ /g, '').match(/.{8}/g)!.map((p) => parseInt(p, 2))).toString(),
  },
  '.env lines whose names number their payload (KEY_PART_0=…, KEY_PART_1=…)': {
    write: (v) => parts(v, 7).map((p, i) => `KEY_PART_${i}=${p}`).join('\n'),
    read: (t) => t.split('\n').map((l) => l.split('=')[1]).join(''),
  },
  'query parameters whose names number their payload (k0=…&k1=…)': {
    write: (v) => parts(v, 6).map((p, i) => `k${i}=${p}`).join('&'),
    read: (t) => t.split('&').map((x) => x.split('=')[1]).join(''),
  },
  'XML attributes whose names number their payload (p0="…" p1="…")': {
    write: (v) => `<key ${parts(v, 6).map((p, i) => `p${i}="${p}"`).join(' ')}/>`,
    read: (t) => [...t.matchAll(/="([^"]*)"/g)].map((m) => m[1]).join(''),
  },
  'base64 of EBCDIC (IBM code page 037) text, as a mainframe record in JSON': {
    write: (v) => JSON.stringify({ record: Buffer.from([...`API-KEY=${v}`].map((c) => EBCDIC[c] ?? 0x40)).toString('base64') }),
    read: (t) => [...Buffer.from((JSON.parse(t) as { record: string }).record, 'base64')].map((b) => FROM_EBCDIC.get(b) ?? ' ').join(''),
  },
  'base45 (RFC 9285, EU Digital COVID Certificate QR payloads)': {
    write: (v) => `HC1:${base45(Buffer.from(v))}`,
    read: (t) => unbase45(t.slice(4)).toString(),
  },
};

/** Layouts tried and stopped by the wall today (new kinds; kept as regression guards). */
const HELD: Record<string, { write: (v: string) => string | Buffer; type?: string }> = {
  // Closed by red team 12's fix (combining marks taken out by the fold: ./views/marks).
  'combining low line after each character (underlined plain text)': { write: (v) => [...v].map((c) => `${c}\u0332`).join('') },
  'YAML folded block scalar (>-), 10 characters a line': { write: (v) => `token: >-\n  ${parts(v, 10).join('\n  ')}\nnext: 1\n` },
  'YAML double-quoted scalar with escaped line breaks': { write: (v) => `token: "${parts(v, 8).join('\\\n  ')}"\n` },
  'UTF-32LE with its charset declared': { write: (v) => Buffer.from([...v].flatMap((c) => [c.charCodeAt(0), 0, 0, 0])), type: 'text/plain; charset=utf-32le' },
  "RTF \\'hh escapes": { write: (v) => `{\\rtf1 ${[...v].map((c) => `\\'${c.charCodeAt(0).toString(16)}`).join('')}}` },
  'LDAP DN \\hh escapes (RFC 4514)': { write: (v) => `cn=${[...v].map((c) => `\\${c.charCodeAt(0).toString(16)}`).join('')},dc=example` },
  '.NET BitConverter.ToString (73-6B-…)': { write: (v) => Buffer.from(v).toString('hex').toUpperCase().match(/../g)!.join('-') },
  'NSData description (<736b5f6c …>)': { write: (v) => `<${Buffer.from(v).toString('hex').match(/.{1,8}/g)!.join(' ')}>` },
  'Perl / PCRE \\x{hh} escapes': { write: (v) => [...v].map((c) => `\\x{${c.charCodeAt(0).toString(16)}}`).join('') },
  'C / Python \\U0000hhhh escapes': { write: (v) => [...v].map((c) => `\\U${c.charCodeAt(0).toString(16).padStart(8, '0')}`).join('') },
  'HTML comments between pieces': { write: (v) => `<p>${parts(v, 6).join('<!-- -->')}</p>` },
  // Closed later (line-number gutters in the joins, a character per call in ./views/tagged).
  '`cat -n` of the value wrapped at 8 columns': { write: (v) => parts(v, 8).map((p, i) => `${String(i + 1).padStart(6)}\t${p}`).join('\n') },
  'VBA / VBScript Chr() concatenation': { write: (v) => `k = ${[...v].map((c) => `Chr(${c.charCodeAt(0)})`).join(' & ')}` },
  "Oracle / PostgreSQL CHR() concatenation (CHR(115)||CHR(107)||…)": { write: (v) => `SELECT ${[...v].map((c) => `CHR(${c.charCodeAt(0)})`).join('||')} FROM dual` },
  'SQL Server CHAR() concatenation (CHAR(115)+CHAR(107)+…)': { write: (v) => `SET @k = ${[...v].map((c) => `CHAR(${c.charCodeAt(0)})`).join('+')}` },
  'PowerShell [char] concatenation': { write: (v) => `$k = ${[...v].map((c) => `[char]${c.charCodeAt(0)}`).join('+')}` },
};

let up: { url: string; close(): Promise<void> };
/** One home and server, retired after each withheld answer. */
let served: ReturnType<typeof servedUntilWithheld>;

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    const kind = new URL(req.url ?? '/', 'http://x').searchParams.get('kind') ?? '';
    const layout = LEAKS[kind] ?? HELD[kind];
    if (!layout) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': layout.type ?? 'text/plain; charset=utf-8' });
    res.end(layout.write(String(req.headers['x-api-key'] ?? '')));
  });
  up = await listenOn(server);
  served = servedUntilWithheld([['KEY', KEY, '--host', up.url]], [KEY]);
});

afterAll(async () => {
  await served.close();
  await up.close();
});

/** Layouts still reaching the agent (`it.fails`); a layout closed later becomes a plain test. */
const STILL_OPEN = new Set<string>(Object.keys(LEAKS));

describe('redteam3: layouts not decoded (the whole value comes back)', () => {
  for (const [kind, { write, read }] of Object.entries(LEAKS)) {
    (process.env.RED3_PLAIN ? it : STILL_OPEN.has(kind) ? it.fails : it)(kind, async () => {
      // The layout is what its reader says it is (compared as a boolean: no value in a failure message).
      expect(read(Buffer.from(write(KEY)).toString('utf8')).includes(KEY)).toBe(true);
      // A fresh home after a withheld answer: it may spend an allowance that must not carry over.
      const r = await served.call('http_request', { method: 'GET', url: `${up.url}/spell`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });
      const sc = r.structuredContent as { body?: string; json?: unknown } | undefined;
      const shown = sc?.body ?? (sc?.json !== undefined ? JSON.stringify(sc.json) : '');
      let readBack = '';
      try {
        readBack = read(shown);
      } catch {
        // Withheld or redacted: nothing to read back.
      }
      expect(survivingWindow(visible(r), KEY) === null).toBe(true);
      expect(survivingWindow(readBack, KEY) === null).toBe(true);
    });
  }
});

describe('redteam3 (stopped): layouts the wall reads', () => {
  for (const kind of Object.keys(HELD)) {
    it(kind, async () => {
      const r = await served.call('http_request', { method: 'GET', url: `${up.url}/spell`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });
      expect(survivingWindow(visible(r), KEY) === null).toBe(true);
      expect(visible(r)).toMatch(/REDACTED:KEY|WITHHELD/);
    });
  }
});
