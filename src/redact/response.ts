/**
 * What an agent is shown of an answer: status text, headers and body, each through the redactor;
 * the body redacted before it is cut to size, JSON parsed only after its text was scrubbed and its
 * strings scrubbed once more, bytes that are not text summarised, never shown. Errors too.
 */
import { createHash } from 'node:crypto';
import { BlindfoldError, describeError } from '../errors.js';
import type { RawResponse } from '../egress/client.js';
import { mapJson } from '../template/json.js';
import type { Redactor } from './redactor.js';

export interface BinarySummary {
  contentType: string;
  size: number;
  /** Omitted when the bytes contained a secret (a hash of a known body is a guessing oracle). */
  sha256?: string;
}

export interface ResponseView {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body?: string;
  json?: unknown;
  binary?: BinarySummary;
  truncated: boolean;
  /** Names of the secrets scrubbed from this answer, sorted. */
  redacted: string[];
}

/** Deeper JSON answers come back as text (`body`), not parsed (`json`): every consumer down the line recurses on it. */
const MAX_JSON_DEPTH = 256;

export function presentResponse(redactor: Redactor, res: RawResponse, maxBytes: number): ResponseView {
  const found = new Set<string>();
  const scrub = (text: string) => {
    const r = redactor.redact(text);
    for (const n of r.redacted) found.add(n);
    return r.text;
  };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) headers[scrub(k)] = scrub(v);
  const view: ResponseView = { status: res.status, statusText: scrub(res.statusText), headers, truncated: res.cut, redacted: [] };
  const contentType = res.headers['content-type'] ?? '';

  if (!looksLikeText(contentType, res.body)) {
    // Read both ways: a value may sit in the bytes as UTF-8 or as single-byte text.
    const hits = [...redactor.redact(res.body.toString('latin1')).redacted, ...redactor.redact(res.body.toString('utf8')).redacted];
    for (const n of hits) found.add(n);
    view.binary = { contentType: contentType || 'application/octet-stream', size: res.body.length };
    // Hashed here, only for bytes that are summarised (text, the usual answer, is never hashed).
    if (hits.length === 0 && !res.cut) view.binary.sha256 = createHash('sha256').update(res.body).digest('hex');
    return { ...view, redacted: [...found].sort() };
  }

  const decoded = UTF8.decode(res.body);
  let text: string;
  if (res.cut) {
    // The held-back tail may be a partial value: it is dropped, not flushed.
    const stream = redactor.stream();
    text = stream.push(decoded);
    for (const n of stream.redacted) found.add(n);
  } else {
    // Whole: one scan (a stream would scan its held-back tail a second time on end()).
    text = scrub(decoded);
  }
  // The cap is on the body as it travels in the tool result (JSON-escaped UTF-8), not on characters.
  const fits = jsonPrefixWithin(text, maxBytes);
  if (fits < text.length) {
    text = text.slice(0, fits);
    view.truncated = true;
  }
  if (!view.truncated && /\bjson\b|\+json/i.test(contentType)) {
    const json = parseScrubbed(text, scrub);
    // Parsed values can serialise longer than their text (`1e9` is 10 characters once parsed):
    // past the cap, the text (already within it) is handed back as the body instead.
    if (json !== NOT_JSON && Buffer.byteLength(JSON.stringify(json) ?? '') <= maxBytes) return { ...view, json, redacted: [...found].sort() };
  }
  return { ...view, body: text, redacted: [...found].sort() };
}

/** One decoder for every body: a decode without `stream` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8');
const NOT_JSON = Symbol('not JSON');

/**
 * Parsing decodes every JSON escape (\u0022, \u00e9, ...): spellings the text scan may not know
 * turn back into raw values here, so the parsed strings (and keys) are scanned once more.
 */
function parseScrubbed(text: string, scrub: (text: string) => string): unknown {
  try {
    return mapJson(JSON.parse(text), scrub, { key: scrub, maxDepth: MAX_JSON_DEPTH });
  } catch {
    // Not JSON, or nested past MAX_JSON_DEPTH: handed back as text.
    return NOT_JSON;
  }
}

/** Any value of a result composed from redacted parts (a task output): pieces may join into a value again. */
export function redactJsonValue(redactor: Redactor, value: unknown): unknown {
  return value === undefined ? null : JSON.parse(redactor.redact(JSON.stringify(value ?? null)).text);
}

/** A refusal or failure as it may leave: message and details through the redactor, typed. */
export function scrubError(redactor: Redactor, err: unknown): BlindfoldError {
  const message = redactor.redact(describeError(err)).text;
  if (!(err instanceof BlindfoldError)) return new BlindfoldError('INTERNAL', message);
  return new BlindfoldError(err.code, message, err.details ? JSON.parse(redactor.redact(JSON.stringify(err.details)).text) : undefined);
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|problem\+json|problem\+xml|graphql)|[^;]*\+(json|xml))/i;

function looksLikeText(contentType: string, body: Buffer): boolean {
  if (TEXT_TYPES.test(contentType.trim())) return true;
  if (contentType.trim() !== '') return false;
  const head = body.subarray(0, 4096);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    return true;
  } catch {
    return false;
  }
}

/**
 * How many leading UTF-16 units of `text` fit in `budget` bytes once JSON-escaped and UTF-8 encoded
 * (the quotes not counted). Never ends between the halves of a surrogate pair.
 */
function jsonPrefixWithin(text: string, budget: number): number {
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let cost: number;
    let units = 1;
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) cost = 2;
    else if (c < 0x20) cost = 6;
    else if (c < 0x80) cost = 1;
    else if (c < 0x800) cost = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      cost = 4;
      units = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) cost = 6; // a lone surrogate is written \udxxx
    else cost = 3;
    if (used + cost > budget) return i;
    used += cost;
    i += units - 1;
  }
  return text.length;
}
