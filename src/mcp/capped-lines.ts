/**
 * Newline-delimited messages read with a hard cap on each message's raw size (issue 18, item 6).
 * The SDK's ReadBuffer concatenates every chunk into one growing buffer (quadratic copying) and
 * only then parses the line: an 8 MB tool call froze the server for seconds at gigabytes of RSS.
 * Here a line is kept as its chunks while it stays under the cap; once it passes the cap, what was
 * kept is dropped and the rest of the line is skipped as it streams in, keeping only a few hundred
 * bytes of its start and end, enough to find the request id to answer. Nothing oversized is ever
 * joined, decoded or parsed.
 */

/** Bytes of an oversized line's start and end kept to find its JSON-RPC id. */
const EDGE_BYTES = 256;

export interface CappedLineHandlers {
  /** A whole line under the cap, without its newline. */
  line(bytes: Buffer): void;
  /** A line over the cap has ended; `head` and `tail` are at most EDGE_BYTES of its start and end. */
  oversized(head: Buffer, tail: Buffer): void;
}

export class CappedLineReader {
  readonly maxBytes: number;
  readonly #on: CappedLineHandlers;
  #parts: Buffer[] = [];
  #size = 0;
  #skipping = false;
  #head: Buffer = Buffer.alloc(0);
  #tail: Buffer = Buffer.alloc(0);

  constructor(maxBytes: number, handlers: CappedLineHandlers) {
    this.maxBytes = maxBytes;
    this.#on = handlers;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(0x0a, pos);
      const piece = chunk.subarray(pos, nl === -1 ? chunk.length : nl);
      if (this.#skipping) this.#keepTail(piece);
      else if (this.#size + piece.length > this.maxBytes) this.#startSkipping(piece);
      else if (piece.length > 0) {
        this.#parts.push(piece);
        this.#size += piece.length;
      }
      if (nl === -1) return;
      pos = nl + 1;
      this.#endLine();
    }
  }

  clear(): void {
    this.#parts = [];
    this.#size = 0;
    this.#skipping = false;
    this.#head = this.#tail = Buffer.alloc(0);
  }

  #endLine(): void {
    if (this.#skipping) {
      const { head, tail } = { head: this.#head, tail: this.#tail };
      this.clear();
      this.#on.oversized(head, tail);
      return;
    }
    const parts = this.#parts;
    const size = this.#size;
    this.clear();
    if (size === 0) return;
    this.#on.line(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size));
  }

  #startSkipping(piece: Buffer): void {
    const kept = [...this.#parts, piece];
    const start = Buffer.concat(kept.map((p) => p.subarray(0, EDGE_BYTES)));
    this.#head = Buffer.from(start.subarray(0, EDGE_BYTES));
    for (const p of kept) this.#keepTail(p);
    this.#parts = [];
    this.#size = 0;
    this.#skipping = true;
  }

  /** The last EDGE_BYTES seen, copied so no chunk of the skipped line stays alive. */
  #keepTail(piece: Buffer): void {
    if (piece.length >= EDGE_BYTES) this.#tail = Buffer.from(piece.subarray(piece.length - EDGE_BYTES));
    else if (piece.length > 0) {
      const joined = Buffer.concat([this.#tail, piece]);
      this.#tail = Buffer.from(joined.subarray(Math.max(0, joined.length - EDGE_BYTES)));
    }
  }
}

const STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const ID = String.raw`(-?\d{1,15}|${STRING})`;
/** `{"jsonrpc":"2.0","id":…` — only top-level string members may come before the id. */
const HEAD_ID = new RegExp(String.raw`^\s*\{(?:\s*"(?:jsonrpc|method)"\s*:\s*${STRING}\s*,)*\s*"id"\s*:\s*${ID}`);
/**
 * `…,"id":7}` at the very end (the SDK's client writes the id last). Only the top-level object's
 * last member is followed by a single closing brace and the end of the line: an `"id"` inside
 * params is followed by at least two.
 */
const TAIL_ID = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID}\s*\}\s*$`);

/** The request id of an oversized message, from its edges, when it can be found cheaply; else null. */
export function idFromEdges(head: Buffer, tail: Buffer): string | number | null {
  const found = HEAD_ID.exec(head.toString('latin1')) ?? TAIL_ID.exec(tail.toString('latin1'));
  if (!found?.[1]) return null;
  const raw = found[1];
  if (raw.startsWith('"')) {
    try {
      // latin1 kept the bytes; the id as the client spelt it is their UTF-8 reading.
      return JSON.parse(Buffer.from(raw, 'latin1').toString('utf8')) as string;
    } catch {
      return null;
    }
  }
  return Number(raw);
}
