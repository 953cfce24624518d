/**
 * Sends one HTTP exchange for the broker: undici through the address-guarded dispatcher, a hard
 * deadline, decompression, and a byte cap. It never follows redirects itself — the broker decides
 * each hop, because only it knows which secrets ride on the request (SPEC §13: undici/fetch carry
 * custom headers like X-API-Key across origins).
 */
import { pipeline, type Readable, type Transform } from 'node:stream';
import type { EventEmitter } from 'node:events';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { BlindfoldError } from '../errors.js';
import { VERSION } from '../version.js';
import { findBlindfoldError } from './connector.js';
import { loadUndici } from './undici.js';

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** Decoded (decompressed) bytes, at most `readLimit` of them. */
  body: Buffer;
  /** True when the body went on past `readLimit` and the rest was not read. */
  cut: boolean;
  /** A compressed download (gzip, zlib or brotli by its content type) inflated as it was read. */
  inflated?: boolean;
}

/**
 * What ends an exchange at its deadline: undici takes an EventEmitter that emits 'abort' as well
 * as an AbortSignal, and listening on it costs a fraction of an AbortSignal's EventTarget.
 */
export interface Deadline extends EventEmitter {
  readonly aborted: boolean;
}

export interface SendOptions {
  dispatcher: Dispatcher;
  /** Absolute deadline for the whole exchange (headers and body). */
  signal: Deadline;
  readLimit: number;
}

export async function send(req: OutgoingRequest, opts: SendOptions): Promise<RawResponse> {
  let res: Dispatcher.ResponseData;
  try {
    const { request } = await loadUndici();
    res = await request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: withUserAgent(req.headers),
      body: req.body ?? null,
      dispatcher: opts.dispatcher,
      signal: opts.signal,
    });
  } catch (err) {
    throw translateError(err, req.url, opts.signal);
  }
  const headers = flattenHeaders(res.headers);
  try {
    const encoded = contentCodings(headers['content-encoding']);
    // A compressed download is inflated as it is read, the cap counting inflated bytes: how much
    // of it is shown never depends on its compressed size (BREACH through maxBytes).
    const download = encoded.length === 0 ? downloadCoding(headers['content-type']) : undefined;
    const codings = download ? [download] : encoded;
    // A HEAD, 204 or 304 answer has no body to decode, but its headers still state the encoded size.
    const bodiless = req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    const { body, cut } =
      !bodiless && fitsWhole(headers, codings, opts.readLimit)
        ? { body: Buffer.from(await res.body.arrayBuffer()), cut: false }
        : await readCapped(bodiless ? res.body : decode(res.body, codings), opts.readLimit);
    if (codings.length > 0) dropEncodedFraming(headers);
    return {
      status: res.statusCode,
      statusText: utf8Text(res.statusText ?? ''),
      headers,
      body,
      cut,
      ...(download ? { inflated: true } : {}),
    };
  } catch (err) {
    // Destroying a body can emit an error of its own: nothing may go unheard (it would end the server).
    res.body.on('error', () => {});
    res.body.destroy();
    throw translateError(err, req.url, opts.signal);
  }
}

/**
 * Some APIs (GitHub's among them) refuse a request that has no User-Agent, and undici sends none.
 * One set by the agent or a task wins, whatever the case of its name; never a second one beside it.
 */
const DEFAULT_USER_AGENT = `blindfold/${VERSION}`;
function withUserAgent(headers: Record<string, string>): Record<string, string> {
  if (Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) return headers;
  return { ...headers, 'user-agent': DEFAULT_USER_AGENT };
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = utf8Text(Array.isArray(v) ? v.join(', ') : v);
  }
  return out;
}

/**
 * undici hands header bytes over as Latin-1 text. Most servers write UTF-8 there, so a non-ASCII
 * value they echo would reach the redactor as mojibake ("Ã©" for "é"): a spelling it does not look
 * for, and one the agent undoes in one line. Bytes that are valid UTF-8 are read as UTF-8; others
 * stay Latin-1 (which is also how a Latin-1 value sent in a header comes back).
 */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
function utf8Text(text: string): string {
  if (!/[\x80-\xff]/.test(text) || /[^\x00-\xff]/.test(text)) return text;
  try {
    return STRICT_UTF8.decode(Buffer.from(text, 'latin1'));
  } catch {
    return text;
  }
}

/**
 * A decoded body is handed on without the headers that describe its encoded form: what the agent
 * sees must not depend on the compressed size of a reply (BREACH, SPEC §13). `content-length` and
 * `content-range` count encoded bytes, digests hash them, `content-encoding` names a coding that is
 * no longer there. The decoded size is the body itself (`binary.size` for a summarised body). A reply
 * that was not compressed keeps them: there they describe the bytes handed on.
 */
const ENCODED_FRAMING_HEADERS = ['content-length', 'content-encoding', 'content-range', 'content-md5', 'digest', 'content-digest', 'repr-digest', 'transfer-encoding'];
function dropEncodedFraming(headers: Record<string, string>): void {
  for (const name of ENCODED_FRAMING_HEADERS) delete headers[name];
}

function contentCodings(encoding: string | undefined): string[] {
  return (encoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * Undoes each content coding, last applied first (RFC 9110 §8.4: "gzip, br" was gzipped, then
 * brotli'd). A coding it cannot undo is refused rather than passed on still compressed: the size of
 * compressed bytes is exactly the figure an agent may not see.
 */
function decode(body: Readable, codings: string[]): Readable {
  let stream = body;
  for (const enc of [...codings].reverse()) {
    // pipeline (not pipe) so an upstream error reaches the reader instead of hanging it.
    const through = (d: Transform) => pipeline(stream, d, () => {});
    if (enc === 'gzip' || enc === 'x-gzip') stream = through(createGunzip());
    else if (enc === 'br') stream = through(createBrotliDecompress());
    // RFC 9110 "deflate" is the zlib-wrapped format; a server sending raw deflate gets a clear error.
    else if (enc === 'deflate') stream = through(createInflate());
    // The coding's name is the upstream's text: never quoted (it could carry anything).
    else throw new BlindfoldError('UPSTREAM_ERROR', 'the reply is encoded with a content coding Blindfold cannot decode (it decodes gzip, br and deflate); ask without that Accept-Encoding');
  }
  return stream;
}

async function readCapped(stream: Readable, limit: number): Promise<{ body: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    if (size + buf.length > limit) {
      chunks.push(buf.subarray(0, limit - size));
      size = limit;
      stream.destroy();
      return { body: Buffer.concat(chunks, size), cut: true };
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { body: Buffer.concat(chunks, size), cut: false };
}

/**
 * Whether the body can be read whole without counting: not encoded, and a Content-Length within
 * the limit. The HTTP parser reads exactly that many bytes as the body (more would be the next
 * message, and an error), so the limit holds; undici's own reader is the fastest way to get them.
 */
/** The coding of a compressed download's content type (`application/gzip` and the like), if it is one. */
function downloadCoding(contentType: string | undefined): string | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/gzip' || type === 'application/x-gzip') return 'gzip';
  if (type === 'application/zlib' || type === 'application/x-deflate' || type === 'application/deflate') return 'deflate';
  if (type === 'application/x-brotli' || type === 'application/brotli') return 'br';
  return undefined;
}

function fitsWhole(headers: Record<string, string>, codings: string[], limit: number): boolean {
  const length = headers['content-length'];
  return codings.length === 0 && length !== undefined && /^\d{1,15}$/.test(length) && Number(length) <= limit;
}

/**
 * Turns undici/DNS/TLS errors into typed, value-free errors. The message names the origin only
 * (never the path or query, which may carry a secret); the broker redacts it once more anyway.
 */
function translateError(err: unknown, url: URL, signal: Deadline): BlindfoldError {
  const guard = findBlindfoldError(err);
  if (guard) return guard;
  if (signal.aborted) {
    return new BlindfoldError('TIMEOUT', `the request to ${url.origin} did not complete before the time limit`);
  }
  const code = errorCode(err);
  return new BlindfoldError('UPSTREAM_ERROR', `the request to ${url.origin} failed: ${code}`, { cause: code });
}

function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.name : 'unknown error';
}
