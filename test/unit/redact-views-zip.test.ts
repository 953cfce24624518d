// Zip archives inside decoded runs (src/redact/views/zip.ts): every member is read (stored, or
// inflated raw within the decoding's inflate budget), whether its sizes are in its header or follow
// its data (a streamed archive), in base64 (wrapped or not) or hex. What cannot be read fails
// closed: a member compressed another way, or an archive past the inflate budget, is withheld.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';

const VALUE = 'zp-Zq9Lm4Np7Qx2Rt5Yu8IoWe3Kd';
const DEFLATED = 8;
const STORED = 0;
const BZIP2 = 12;

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const b of data) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip archive of `members` (local headers and an end record; unzip reads the members from the headers). */
function zip(members: Array<[string, Buffer, number]>, streamed = false): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data, method] of members) {
    const packed = method === DEFLATED ? deflateRawSync(data) : data;
    const n = Buffer.from(name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(streamed ? 8 : 0, 6);
    h.writeUInt16LE(method, 8);
    if (!streamed) {
      h.writeUInt32LE(crc32(data), 14);
      h.writeUInt32LE(packed.length, 18);
      h.writeUInt32LE(data.length, 22);
    }
    h.writeUInt16LE(n.length, 26);
    parts.push(h, n, packed);
    if (streamed) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc32(data), 4);
      d.writeUInt32LE(packed.length, 8);
      d.writeUInt32LE(data.length, 12);
      parts.push(d);
    }
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  return Buffer.concat([...parts, end]);
}

function redactor(): Redactor {
  const r = new Redactor({ key: new Uint8Array(32).fill(5) });
  r.add({ name: 'S', value: VALUE });
  return r;
}

const secretFile = Buffer.from(`<?xml version="1.0"?><w:document><w:t>token ${VALUE}</w:t></w:document>`);
const filler = Buffer.from('the quick brown fox jumps over the lazy dog. '.repeat(40));

describe('zip archives in decoded runs', () => {
  const archives: Record<string, Buffer> = {
    'a .docx-like archive, the value in its third member': zip([['[Content_Types].xml', filler, DEFLATED], ['_rels/.rels', filler, DEFLATED], ['word/document.xml', secretFile, DEFLATED]]),
    'a streamed archive (sizes after the data)': zip([['log.txt', filler, DEFLATED], ['env', secretFile, DEFLATED]], true),
  };
  for (const [name, archive] of Object.entries(archives)) {
    it(`${name}, in base64 wrapped at 76 columns`, () => {
      const text = `Content-Transfer-Encoding: base64\r\n\r\n${archive.toString('base64').match(/.{1,76}/g)!.join('\r\n')}\r\n`;
      expect(redactor().redact(text).redacted).toEqual(['S']);
    });
    it(`${name}, in hex`, () => {
      expect(redactor().redact(JSON.stringify({ blob: archive.toString('hex') })).redacted).toEqual(['S']);
    });
  }

  it('a member compressed by a method not read is withheld (fail closed), not passed as clean', () => {
    const archive = zip([['a.txt', filler, STORED], ['b.bin', Buffer.from('BZh91AY&SY not really bzip2 data here'), BZIP2]]);
    const result = redactor().inspect(JSON.stringify({ contentBytes: archive.toString('base64') }));
    expect(result.unscanned.length).toBeGreaterThan(0);
  });

  it('an archive that inflates past the inflate budget is withheld (fail closed)', () => {
    const bomb = zip([['zeros.txt', Buffer.alloc(1 << 20, 0x61), DEFLATED], ['env', secretFile, DEFLATED]]);
    const result = redactor().inspect(bomb.toString('base64'));
    expect(result.unscanned.length).toBeGreaterThan(0);
  });

  it('an honest archive of text with no value is scanned to the end and left alone', () => {
    const result = redactor().inspect(JSON.stringify({ contentBytes: zip([['a.txt', filler, DEFLATED], ['b.txt', filler, STORED]]).toString('base64') }));
    expect(result.unscanned).toEqual([]);
    expect(result.hits).toEqual([]);
  });
});
