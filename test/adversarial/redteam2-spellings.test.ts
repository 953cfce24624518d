// Second red team of issue 18, family 4 (spellings and layouts of kinds not decoded), new members
// only (the first red team's are in redteam-spellings.test.ts). The key is placed in a header and a
// careless upstream writes what it got back the way a real stack would: streamed in deltas,
// chunked, compressed without a header, wrapped in a table beside another column, coloured,
// folded across an escape, serialised as a typed array or a spread string. `it.fails` marks layouts that reach the agent today (the whole value,
// read by the reader the stack implies); plain `it` marks ones the wall stopped.
import { createServer, type Server } from 'node:http';
import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { survivingWindow } from '../helpers/windows.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';

const KEY = 'rt2-spl-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
const parts = (v: string, n: number) => v.match(new RegExp(`[^]{1,${n}}`, 'g'))!;
const lines = (t: string) => t.split(/\r?\n/);

/** Adobe Ascii85 (PDF streams, PostScript): groups of four bytes as five characters from `!`. */
function ascii85(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const chunk = bytes.subarray(i, i + 4);
    let n = Buffer.concat([chunk, Buffer.alloc(4 - chunk.length)]).readUInt32BE(0);
    let group = '';
    for (let k = 0; k < 5; k++, n = Math.floor(n / 85)) group = String.fromCharCode(33 + (n % 85)) + group;
    out += group.slice(0, chunk.length + 1);
  }
  return `<~${out}~>`;
}
function unascii85(text: string): Buffer {
  const body = text.slice(text.indexOf('<~') + 2, text.indexOf('~>'));
  const out: number[] = [];
  for (let i = 0; i < body.length; i += 5) {
    const group = body.slice(i, i + 5);
    let n = 0;
    for (const c of group.padEnd(5, 'u')) n = n * 85 + (c.charCodeAt(0) - 33);
    const b = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    out.push(...b.slice(0, group.length - 1));
  }
  return Buffer.from(out);
}

/** uuencode (mail, Usenet, `uuencode(1)`): one line, a length character, then six bits per character. */
function uuencode(bytes: Buffer): string {
  const rows: string[] = [];
  for (let r = 0; r < bytes.length; r += 45) {
    const row = bytes.subarray(r, r + 45);
    let line = String.fromCharCode(32 + row.length);
    for (let i = 0; i < row.length; i += 3) {
      const [a = 0, b = 0, c = 0] = [row[i], row[i + 1], row[i + 2]];
      for (const x of [a >> 2, ((a & 3) << 4) | (b >> 4), ((b & 15) << 2) | (c >> 6), c & 63]) line += String.fromCharCode(x === 0 ? 96 : x + 32);
    }
    rows.push(line);
  }
  return `begin 644 token.txt\n${rows.join('\n')}\n\`\nend\n`;
}
function uudecode(text: string): Buffer {
  const out: number[] = [];
  for (const line of lines(text).slice(1)) {
    if (line === '`' || line === 'end' || line === '') continue;
    const n = (line.charCodeAt(0) - 32) & 63;
    const six = [...line.slice(1)].map((c) => (c.charCodeAt(0) - 32) & 63);
    const row: number[] = [];
    for (let i = 0; i + 3 < six.length + 1; i += 4) row.push((six[i]! << 2) | (six[i + 1]! >> 4), ((six[i + 1]! & 15) << 4) | (six[i + 2]! >> 2), ((six[i + 2]! & 3) << 6) | six[i + 3]!);
    out.push(...row.slice(0, n));
  }
  return Buffer.from(out);
}

/** Python's repr() of bytes: printable ASCII as itself, the rest as \\xNN. */
function pyRepr(bytes: Buffer): string {
  return `b'${[...bytes].map((x) => (x >= 32 && x < 127 && x !== 39 && x !== 92 ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`)).join('')}'`;
}
function fromPyRepr(text: string): Buffer {
  const body = text.slice(2, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && body[i + 1] === 'x') {
      out.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else out.push(body.charCodeAt(i));
  }
  return Buffer.from(out);
}

/** A one-member zip archive (deflate), as an "export" or a mail attachment holds it. */
function zipOf(name: string, data: Buffer): Buffer {
  let crc = 0xffffffff;
  for (const b of data) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  crc = (crc ^ 0xffffffff) >>> 0;
  const packed = deflateRawSync(data);
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + packed.length, 16);
  return Buffer.concat([local, n, packed, central, n, end]);
}
/** The first member of a zip archive, inflated. */
function firstMember(zip: Buffer): Buffer {
  const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  return inflateRawSync(zip.subarray(start, start + zip.readUInt32LE(18)));
}

const LEAKS: Record<string, { write: (v: string) => string; read: (shown: string) => string }> = {
  // OpenAI-style chat completion stream: each delta a token of a few characters.
  'server-sent events, a few characters per delta (LLM streaming)': {
    write: (v) => parts(v, 4).map((p, i) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: p }, finish_reason: null }], n: i })}\n\n`).join('') + 'data: [DONE]\n\n',
    read: (t) => lines(t).filter((l) => l.startsWith('data: {')).map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta: { content: string } }> }).choices[0]!.delta.content).join(''),
  },
  // Ollama-style NDJSON stream.
  'NDJSON stream, a few characters per line': {
    write: (v) => parts(v, 5).map((p) => JSON.stringify({ model: 'm', response: p, done: false })).join('\n') + `\n${JSON.stringify({ model: 'm', response: '', done: true })}\n`,
    read: (t) => lines(t).filter(Boolean).map((l) => (JSON.parse(l) as { response: string }).response).join(''),
  },
  // A frame log: each chunk base64-encoded on its own, so each carries its own padding.
  'base64 of each 10-byte chunk on its own line (padded chunks)': {
    write: (v) => parts(v, 10).map((p) => Buffer.from(p).toString('base64')).join('\n'),
    read: (t) => lines(t).map((l) => Buffer.from(l, 'base64').toString()).join(''),
  },
  'base64 of each 8-byte chunk, concatenated (padding inside the run)': {
    write: (v) => parts(v, 8).map((p) => Buffer.from(p).toString('base64')).join(''),
    read: (t) => (t.match(/[A-Za-z0-9+/]+=*/g) ?? []).map((c) => Buffer.from(c, 'base64').toString()).join(''),
  },
  // PHP base64_encode(gzdeflate($s)), JWE "zip":"DEF": raw deflate, no zlib header, no SAML key.
  'PHP gzdeflate (raw deflate) in base64': {
    write: (v) => JSON.stringify({ state: deflateRawSync(Buffer.from(JSON.stringify({ api_key: v, user: 42 }))).toString('base64') }),
    read: (t) => inflateRawSync(Buffer.from((JSON.parse(t) as { state: string }).state, 'base64')).toString(),
  },
  // A CLI table (rich, tabulate maxcolwidths, cli-table3 wordWrap) squeezed to a narrow terminal.
  'table cell wrapped at 10 columns beside a notes column': {
    write: (v) => ['primary', 'api key', 'rotated', 'monthly'].map((d, i) => `| ${d.padEnd(8)} | ${(parts(v, 10)[i] ?? '').padEnd(10)} |`).join('\n'),
    read: (t) => lines(t).map((l) => l.split('|')[2]!.trim()).join(''),
  },
  // A coloured log (terminal colours left in by a CI runner): a colour change every 9 characters.
  'ANSI colour changes inside the value (a coloured CI log)': {
    write: (v) => parts(v, 9).map((p, i) => `\u001b[3${1 + (i % 6)}m${p}`).join('') + '\u001b[0m',
    read: (t) => t.replace(/\u001b\[[0-9;]*m/g, ''),
  },
  // Content-Disposition with RFC 2231 continuations, as a mail or download library splits a long name.
  'RFC 2231 parameter continuations': {
    write: (v) => `attachment; ${parts(`${v}.txt`, 10).map((p, i) => `filename*${i}="${p}"`).join('; ')}`,
    read: (t) => [...t.matchAll(/filename\*\d+="([^"]*)"/g)].map((m) => m[1]).join(''),
  },
  // A long Subject folded into several RFC 2047 encoded words, as mail libraries do.
  'RFC 2047 B-encoded words, split': {
    write: (v) => `Subject: ${parts(`your key ${v}`, 9).map((p) => `=?utf-8?B?${Buffer.from(p).toString('base64')}?=`).join('\r\n ')}`,
    read: (t) => [...t.matchAll(/=\?utf-8\?B\?([^?]*)\?=/g)].map((m) => Buffer.from(m[1]!, 'base64').toString()).join(''),
  },
  'Ascii85 (a PDF stream, PostScript)': {
    write: (v) => ascii85(Buffer.from(`token=${v}`)),
    read: (t) => unascii85(t).toString(),
  },
  uuencode: {
    write: (v) => uuencode(Buffer.from(`token=${v}\n`)),
    read: (t) => uudecode(t).toString(),
  },
  // JSON.stringify of a typed array (an SDK's Uint8Array field, e.g. a secret's binary form).
  'JSON of a Uint8Array (an object keyed by index)': {
    write: (v) => JSON.stringify({ SecretBinary: new Uint8Array(Buffer.from(v)) }),
    read: (t) => Buffer.from(Object.values((JSON.parse(t) as { SecretBinary: Record<string, number> }).SecretBinary)).toString(),
  },
  // The classic `{ ...str }` / Object.assign({}, str) bug: a string spread into an object.
  'a string spread into an object ({ ...s })': {
    write: (v) => JSON.stringify({ token: Object.assign({}, v as unknown as object) }),
    read: (t) => Object.values((JSON.parse(t) as { token: Record<string, string> }).token).join(''),
  },
  // Express with `json spaces` 4 answering a Buffer (Buffer.toJSON).
  'Buffer.toJSON pretty-printed with 4 spaces': {
    write: (v) => JSON.stringify({ key: Buffer.from(v) }, null, 4),
    read: (t) => Buffer.from((JSON.parse(t) as { key: { data: number[] } }).key.data).toString(),
  },
  // Compressed bytes written as text, not as base64 or hex: the inflate layer never sees them.
  "Python repr of zlib bytes in an error (b'x\\x9c…')": {
    write: (v) => JSON.stringify({ error: `cannot parse body ${pyRepr(deflateSync(Buffer.from(JSON.stringify({ api_key: v }))))}` }),
    read: (t) => inflateSync(fromPyRepr((JSON.parse(t) as { error: string }).error.replace('cannot parse body ', ''))).toString(),
  },
  // Raw deflate on the line after a short word (not a wrapped base64 block).
  'raw deflate in base64 on the line after a word': {
    write: (v) => JSON.stringify({ note: `x\n${deflateRawSync(Buffer.from(JSON.stringify({ api_key: v, user: 42 }))).toString('base64')}` }),
    read: (t) => inflateRawSync(Buffer.from((JSON.parse(t) as { note: string }).note.split('\n')[1]!, 'base64')).toString(),
  },
  'gzip bytes as a Latin-1 JSON string (\\u001f\\u008b…)': {
    write: (v) => JSON.stringify({ blob: gzipSync(Buffer.from(`token=${v}`)).toString('latin1') }).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    read: (t) => gunzipSync(Buffer.from((JSON.parse(t) as { blob: string }).blob, 'latin1')).toString(),
  },
  // Microsoft Graph returns a mail attachment (a .zip, .docx, .xlsx) as base64 `contentBytes`.
  'a zip archive in base64 (an attachment\'s contentBytes)': {
    write: (v) => JSON.stringify({ name: 'export.zip', contentBytes: zipOf('config.ini', Buffer.from(`[default]\napi_key = ${v}\n`)).toString('base64') }),
    read: (t) => firstMember(Buffer.from((JSON.parse(t) as { contentBytes: string }).contentBytes, 'base64')).toString(),
  },
  // Every character an HTML hex reference (an obfuscated mailto), the page hard-wrapped at 64 columns.
  'HTML hex references hard-wrapped at 64 columns': {
    write: (v) => `mailto:${[...v].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')}`.match(/.{1,64}/g)!.join('\n'),
    read: (t) => t.replace(/\n/g, '').replace(/&#x([0-9a-f]+);/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
  },
};

/**
 * Hard wraps that cut an escape wherever the column falls (issue 18 family 4, "line wraps"): text
 * cut into lines of `width` characters, joined by `nl`, each line after the first indented by
 * `indent`, each but the last ending with `marker`. Read back by a reader that joins the lines.
 */
function hardWrap(text: string, width: number, nl = '\n', indent = '', marker = ''): string {
  return text.match(new RegExp(`[^]{1,${width}}`, 'g'))!.join(`${marker}${nl}${indent}`);
}
const unwrapped = (t: string) => t.replace(/[=\\]?\r?\n[ \t]*/g, '');
const fromCodePoints = (re: RegExp, radix: number) => (t: string) => unwrapped(t).replace(re, (_m, x: string) => String.fromCodePoint(parseInt(x, radix)));

/**
 * The wrap family beyond the 64-column case of LEAKS: other widths, CRLF, indentation, markers,
 * and every escape kind a wrap can cut. An upstream echoing the value it got this way echoes it
 * whole: the wall must read it whole (redacted with its unit), not see pieces and withhold the body.
 */
const WRAPPED: Record<string, { write: (v: string) => string; read: (shown: string) => string }> = {
  'HTML decimal references hard-wrapped at 50 columns': {
    write: (v) => hardWrap(`mailto:${[...v].map((c) => `&#${c.charCodeAt(0)};`).join('')}`, 50),
    read: fromCodePoints(/&#(\d+);/g, 10),
  },
  'JSON \\u escapes hard-wrapped at 72 columns with CRLF': {
    write: (v) => hardWrap(`token = "${[...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`, 72, '\r\n'),
    read: fromCodePoints(/\\u([0-9a-f]{4})/g, 16),
  },
  'percent-encoding hard-wrapped at 60 columns': {
    write: (v) => hardWrap(`redirect_uri=${[...Buffer.from(v)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')}`, 60),
    read: (t) => decodeURIComponent(unwrapped(t).slice('redirect_uri='.length)),
  },
  'HTML hex references hard-wrapped at 64 columns, indented by two spaces': {
    write: (v) => `<p>\n  ${hardWrap(`${[...v].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')}`, 64, '\n', '  ')}\n</p>`,
    read: fromCodePoints(/&#x([0-9a-f]+);/g, 16),
  },
  'hex pairs hard-wrapped at 32 columns with CRLF': {
    write: (v) => hardWrap(`sha: ${Buffer.from(v).toString('hex')}`, 32, '\r\n'),
    read: (t) => Buffer.from(unwrapped(t).replace(/^sha: /, ''), 'hex').toString(),
  },
  'Python \\x escapes wrapped at 23 columns with a backslash continuation and indentation': {
    write: (v) => hardWrap(`b"${[...Buffer.from(v)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}"`, 23, '\n', '    ', '\\'),
    read: (t) => unwrapped(t).replace(/\\x([0-9a-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
  },
  'percent-encoding wrapped at 17 columns with quoted-printable soft breaks and indentation': {
    write: (v) => hardWrap(`k=${[...Buffer.from(v)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')}`, 17, '\r\n', ' ', '='),
    read: (t) => decodeURIComponent(unwrapped(t).slice(2)),
  },
};

/** Layouts tried and stopped by the wall today (kept as regression guards). */
const HELD: Record<string, (v: string) => string> = {
  'JSON with PHP \\/ escapes and every character \\u-escaped': (v) => JSON.stringify({ k: v }).replace(/\//g, '\\/').replace(/[A-Za-z0-9]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  'mathematical bold letters as JSON surrogate pairs': (v) => [...v].map((c) => (/[a-z]/.test(c) ? String.fromCodePoint(0x1d41a + c.charCodeAt(0) - 97) : /[A-Z]/.test(c) ? String.fromCodePoint(0x1d400 + c.charCodeAt(0) - 65) : c)).join('').split('').map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  'base64 with a blank after every character': (v) => [...Buffer.from(v).toString('base64')].join(' '),
  'YAML double-quoted \\x escapes': (v) => `token: "${[...v].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('')}"`,
  "RFC 5987 filename*=UTF-8''": (v) => `attachment; filename*=UTF-8''${[...Buffer.from(v)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')}`,
  'SAML HTTP-Redirect binding (raw deflate, base64, percent)': (v) => `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(`<samlp:AuthnRequest ID="${v}"/>`)).toString('base64'))}`,
  'Node util.inspect of a byte array (aligned columns)': (v) => `[\n${[...Buffer.from(v)].map((b) => String(b).padStart(3)).join(', ').match(/.{1,40}/g)!.join(',\n')}\n]`,
  'UTF-7 (+…-)': (v) => `+${Buffer.from(v, 'utf16le').swap16().toString('base64').replace(/=+$/, '')}-`,
  'hex of base64 of percent-encoding': (v) => Buffer.from(Buffer.from(encodeURIComponent(v).replace(/./g, (c) => `%${c.charCodeAt(0).toString(16)}`)).toString('base64')).toString('hex'),
};

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];
let s: StdioSession;

/** `/spell?kind=NAME` writes the `x-api-key` it got in that layout, as text/plain. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const kind = url.searchParams.get('kind') ?? '';
    const write = LEAKS[kind]?.write ?? WRAPPED[kind]?.write ?? HELD[kind];
    if (!write) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(write(String(req.headers['x-api-key'] ?? '')));
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
  s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

/** Layouts that still reach the agent (`it.fails`); every other one of LEAKS was closed and is a plain test. README, "Not promised". */
const STILL_OPEN = new Set<string>([]);

describe('redteam2: layouts not decoded (the whole value comes back)', () => {
  for (const [kind, { read }] of Object.entries(LEAKS)) {
    (STILL_OPEN.has(kind) ? it.fails : it)(kind, async () => {
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/spell`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });
      const shown = String((r.structuredContent as { body?: string }).body ?? '');
      let readBack = '';
      try {
        readBack = read(shown);
      } catch {
        // Withheld or redacted: nothing to read back.
      }
      expect(survivingWindow(visible(r), KEY)).toBeNull();
      expect(survivingWindow(readBack, KEY)).toBeNull();
    });
  }
});

describe('redteam2 (stopped): layouts the wall reads', () => {
  for (const kind of Object.keys(HELD)) {
    it(kind, async () => {
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/spell`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });
      expect(survivingWindow(visible(r), KEY)).toBeNull();
      expect(visible(r)).toMatch(/REDACTED:KEY|WITHHELD/);
    });
  }
});

describe('redteam2 (stopped): hard wraps that cut an escape are read whole', () => {
  for (const [kind, { write, read }] of Object.entries(WRAPPED)) {
    it(kind, async () => {
      // The layout is what its reader says it is (the test's own writer and reader agree).
      expect(read(write(KEY))).toContain(KEY);
      const r = await s.call('http_request', { method: 'GET', url: `${up.url}/spell`, query: { kind }, headers: { 'x-api-key': '<secrets.KEY>' } });
      const shown = String((r.structuredContent as { body?: string }).body ?? '');
      expect(survivingWindow(visible(r), KEY)).toBeNull();
      let readBack = '';
      try {
        readBack = read(shown);
      } catch {
        // Not readable as the layout any more: nothing to read back.
      }
      expect(survivingWindow(readBack, KEY)).toBeNull();
      // Whole, not pieces: the echo is redacted where it stands and the rest of the body is shown.
      expect((r.structuredContent as { withheld?: boolean }).withheld).toBeFalsy();
      expect(shown).toContain('[REDACTED:KEY]');
    });
  }
});
