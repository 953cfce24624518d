/**
 * Members of a zip archive (an attachment's base64 `contentBytes`, a `.docx`/`.xlsx`/`.jar`, an
 * export): found by their local file headers (`PK\3\4`, APPNOTE 4.3.7), read in order, each stored
 * member as it is and each deflated one inflated raw (./inflate's inflateBytes, so every member
 * spends the decoding's one inflate budget, and past it the scan fails closed).
 *
 * Fails closed on what it cannot read: a member compressed another way (bzip2, LZMA, zstd) could
 * hold a value its reader sees, so it stops the scan (DecodeLimitReached: withheld), as do more
 * members than MAX_MEMBERS. An encrypted member (flag bit 0) is skipped: encrypted data is outside
 * the promise (README, "Not promised"). A member written as a stream (flag bit 3: sizes after the
 * data) is read to the next header; inflating stops at the end of its deflate data anyway.
 */
import { DecodeLimitReached } from './view.js';

const LOCAL_HEADER = 0x04034b50;
const HEADER_BYTES = 30;
/** Members read from one archive: past this the archive is not vouched for. */
const MAX_MEMBERS = 4096;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED = 0x1;
const SIZES_AFTER_DATA = 0x8;
/** A zip64 size: the real one is in the extra field (the member is then read to the next header). */
const ZIP64_SIZE = 0xffffffff;

/** Whether the two bytes start a zip signature (`PK`); isZipAt checks the rest. */
export function zipMagic(b0: number, b1: number): boolean {
  return b0 === 0x50 && b1 === 0x4b;
}

/** Whether a local file header starts at `at`. */
export function isZipAt(bytes: Uint8Array, at: number): boolean {
  return at + HEADER_BYTES <= bytes.length && readU32(bytes, at) === LOCAL_HEADER;
}

/**
 * The contents of every member of the archive starting at bytes[0] (stored bytes, or what
 * `inflateRaw` gives: null when a member's data is not deflate), in order. Throws
 * DecodeLimitReached for a member that cannot be read, or too many.
 */
export function zipMembers(bytes: Uint8Array, inflateRaw: (data: Uint8Array) => Buffer | null): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (isZipAt(bytes, at)) {
    if (out.length >= MAX_MEMBERS) throw new DecodeLimitReached('zip members');
    const flags = readU16(bytes, at + 6);
    const method = readU16(bytes, at + 8);
    const size = readU32(bytes, at + 18);
    const data = at + HEADER_BYTES + readU16(bytes, at + 26) + readU16(bytes, at + 28);
    if (data > bytes.length) break;
    const sized = (flags & SIZES_AFTER_DATA) === 0 && size !== ZIP64_SIZE;
    const end = sized ? Math.min(bytes.length, data + size) : nextHeader(bytes, data);
    if ((flags & ENCRYPTED) === 0 && end > data) {
      if (method === STORED) out.push(Buffer.from(bytes.subarray(data, end)));
      else if (method === DEFLATED) {
        const inflated = inflateRaw(bytes.subarray(data, end));
        if (inflated) out.push(inflated);
      } else throw new DecodeLimitReached('zip member compressed by a method not read');
    }
    at = sized ? nextHeader(bytes, end) : end;
  }
  return out;
}

/** The next local file header at or after `from` (the end when there is none). */
function nextHeader(bytes: Uint8Array, from: number): number {
  for (let k = from; k + 4 <= bytes.length; k++) if (bytes[k] === 0x50 && bytes[k + 1] === 0x4b && bytes[k + 2] === 3 && bytes[k + 3] === 4) return k;
  return bytes.length;
}

function readU16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
