/**
 * What an agent is shown of an answer: status text, headers and body, each through the redactor;
 * the body redacted before it is cut to size, JSON parsed only after its text was scrubbed and its
 * strings scrubbed once more, bytes that are not text summarised, never shown. Errors too.
 */
import { BlindfoldError, describeError } from '../errors.js';
import type { RawResponse } from '../egress/client.js';
import { mapJson } from '../template/json.js';
import { WINDOW, type Redactor } from './redactor.js';
import { readBody, screenReadings } from './charset.js';
import { emptyScreen, screen, type Screened, WITHHELD_NOTICE } from './wall.js';
import { nameIsVisible } from './spans.js';

/** Bytes that are not text: the agent learns their content type only (a size or hash is a BREACH figure). */
export interface BinarySummary {
  contentType: string;
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
  /** Set when part or all of the answer was withheld (the body then says so; the reason is audited). */
  withheld?: boolean;
}

/** What the wall found in an answer, for the broker's decision (never shown to the agent). */
export interface Findings {
  /** Secrets of which a piece was found (guess-shaped hits). */
  pieces: Set<string>;
  /** A decoding limit withheld part of the answer. */
  limited: boolean;
  /** The answer was part of a representation (206, Content-Range, byteranges): withheld. */
  partial: boolean;
}

/** Deeper JSON answers come back as text (`body`), not parsed (`json`): every consumer down the line recurses on it. */
const MAX_JSON_DEPTH = 256;
/** Time the scan of one body may take; what it has not reached by then is withheld (fail closed). */
const SCAN_DEADLINE_MS = 10_000;

/**
 * `partialAllowed`: the admin opted the answer's origin into partial answers (206 is scanned and
 * shown). `url`: where the answer came from (the last hop of a redirect chain), shown beside it.
 */
export async function presentResponse(redactor: Redactor, res: RawResponse, maxBytes: number, partialAllowed = false, url = ''): Promise<{ view: ResponseView; findings: Findings }> {
  const found: Screened = emptyScreen();
  const scrub = (text: string) => screen(redactor, text, found).text;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) headers[scrub(k)] = scrub(v);
  const view: ResponseView = { status: res.status, statusText: scrub(res.statusText), headers, truncated: res.cut, redacted: [] };
  const contentType = res.headers['content-type'] ?? '';
  // A compressed download arrives inflated (egress/client): shown if it is text, like any answer.
  const readable = res.inflated ? looksLikeText('', res.body) : looksLikeText(contentType, res.body);
  // Text in the charset it declares, with its other readings (./charset); null: a charset not decoded.
  const body = readable ? readBody(res.body, contentType) : undefined;
  joinedUnitPieces(redactor, res, found.pieces, url, body ? [body.shown, ...body.others].map((r) => r.text.slice(0, 256)) : []);
  const findings: Findings = { pieces: found.pieces, limited: false, partial: !partialAllowed && isPartialRepresentation(res) };
  const done = () => {
    findings.limited = found.limited;
    if (found.limited) view.withheld = true;
    return { view: { ...view, redacted: [...found.names].filter(nameIsVisible).sort() }, findings };
  };
  if (findings.partial) {
    // A slice of a representation (an agent's Range reads 11 bytes at a time) is never shown.
    view.body = WITHHELD_NOTICE;
    view.withheld = true;
    return done();
  }
  if (!readable) {
    // Nothing computed from these bytes is shown: no size, no hash, no names found in them, not
    // even whether they passed maxBytes (bisecting maxBytes measured a compressed size to the byte),
    // and none of the headers that state their size or hash.
    view.binary = { contentType: headers['content-type'] || 'application/octet-stream' };
    view.truncated = false;
    for (const name of BINARY_FIGURE_HEADERS) delete view.headers[name];
    return done();
  }
  if (!body) {
    // A declared charset that cannot be decoded (UTF-7, UTF-32, a made-up name): never read as UTF-8.
    view.body = WITHHELD_NOTICE;
    view.truncated = false;
    found.limited = true;
    return done();
  }
  // A cut body: the tail read beyond the cap is scanned (a value crossing the cap is seen whole)
  // but never shown. Every reading of the bytes is scanned; the declared one is shown.
  let text = body.shown.text;
  const shownEnd = res.cut ? Math.max(0, text.length - redactor.longestPattern) : text.length;
  text = (await screenReadings(redactor, body, found, SCAN_DEADLINE_MS, shownEnd)).text;
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
    if (json !== NOT_JSON && Buffer.byteLength(JSON.stringify(json) ?? '') <= maxBytes) {
      view.json = json;
      return done();
    }
  }
  view.body = text;
  return done();
}

/**
 * Windows run across unit boundaries (issue 18 item 1): the status text, the header values (as they
 * came and sorted by name) and the body's start, scanned end to end; so are header names, and the
 * final URL with the body's start. A value cut into pieces under
 * a window, one per header, is found here; any hit that crosses a boundary is a piece (no honest
 * upstream splits a value across headers).
 */
function joinedUnitPieces(redactor: Redactor, res: RawResponse, pieces: Set<string>, url: string, heads: string[]): void {
  const utf8Head = res.body.subarray(0, 256).toString('utf8');
  const values = Object.entries(res.headers);
  const sorted = [...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Units side by side as a reader may join them: the status text, header values (as sent and by
  // name) and the body's start; header names, and the payloads of numbered ones; the final URL a
  // redirect chain ended on and the body (its path can hold the start of what the body goes on with).
  // The body's start in each of its readings (./charset) as well as read as UTF-8.
  const sequences = [
    ...[...new Set([utf8Head, ...heads])].flatMap((head) => [...[values, sorted].map((order) => [res.statusText, ...order.map(([, v]) => v), head]), [url, head]]),
    ...[values, sorted].map((order) => order.map(([k]) => k)),
    ...indexedNamePayloads(values.map(([k]) => k)),
  ];
  for (const units of sequences) {
    // Within a unit its own scan already looked: only W − 1 characters each side of a boundary
    // matter here, so a long unit keeps its two ends, cut apart by U+FFFF (no window of a value
    // spans it), and the joined text stays a few hundred characters.
    const parts = units.map(boundaryEnds);
    const ends: number[] = [];
    let at = 0;
    for (const p of parts) ends.push((at += p.length));
    for (const h of redactor.inspect(parts.join('')).hits) {
      if (redactor.isPublic(h.name)) continue;
      // Crosses a boundary: some unit ends strictly inside the hit.
      if (ends.some((e) => e > h.start && e < h.end)) pieces.add(h.name);
    }
  }
}

/** A header name with an index and what follows it (`x-part-3-…`): the index, and the rest as the payload. */
const INDEXED_NAME = /^(\D*?)(\d+)[-_.]?(.+)$/;

/**
 * Header names that number their payload (`x-p0-…`, `x-p1-…`): an upstream that cut a value into
 * them is read back by dropping the shared prefix and index and joining the rest in index order,
 * so those payloads, joined, are units side by side too (each shorter than a window on its own).
 */
function indexedNamePayloads(names: string[]): string[][] {
  const groups = new Map<string, Array<[number, string]>>();
  for (const name of names) {
    const m = INDEXED_NAME.exec(name);
    if (!m) continue;
    const group = groups.get(m[1]!) ?? [];
    group.push([Number(m[2]), m[3]!]);
    groups.set(m[1]!, group);
  }
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort((a, b) => a[0] - b[0]).map(([, payload]) => payload));
}

const EDGE = WINDOW - 1;
function boundaryEnds(unit: string): string {
  return unit.length <= 2 * EDGE + 1 ? unit : `${unit.slice(0, EDGE)}\uffff${unit.slice(-EDGE)}`;
}

/** The whole answer withheld (a piece of a placed value was in it): status and content type stay. */
export function withheldView(view: ResponseView): ResponseView {
  const contentType = Object.entries(view.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  return { status: view.status, statusText: '', headers: contentType ? { 'content-type': contentType } : {}, body: WITHHELD_NOTICE, truncated: false, redacted: [], withheld: true };
}

function isPartialRepresentation(res: RawResponse): boolean {
  const type = res.headers['content-type'] ?? '';
  return res.status === 206 || res.headers['content-range'] !== undefined || /multipart\/byteranges/i.test(type);
}

/** Headers that state a body's size or hash: dropped from a binary summary. */
const BINARY_FIGURE_HEADERS = ['content-length', 'content-range', 'content-md5', 'digest', 'content-digest', 'repr-digest', 'etag'];

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
export function redactJsonValue(redactor: Redactor, value: unknown, into?: Screened): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value ?? null);
  const shown = screen(redactor, text, into).text;
  try {
    return JSON.parse(shown);
  } catch {
    // A withheld range cut the JSON: what is left is shown as text.
    return shown;
  }
}

/**
 * A refusal or failure as it may leave: message and details through the wall. An error never
 * quotes an upstream's text on purpose; if a value or a piece of one shows up in it anyway, the
 * message is replaced whole (a marker in place would say where a guess sat), the code kept.
 */
export function scrubError(redactor: Redactor, err: unknown, into?: { pieces: Set<string>; names: Set<string> }): BlindfoldError {
  const described = describeError(err);
  const found = screen(redactor, described);
  for (const name of found.pieces) into?.pieces.add(name);
  for (const name of found.names) into?.names.add(name);
  const clean = found.pieces.size === 0 && found.names.size === 0 && !found.limited;
  const message = clean ? described : 'the request failed; the message is not shown because it held secret material (see the admin audit trail)';
  if (!(err instanceof BlindfoldError)) return new BlindfoldError('INTERNAL', message);
  // The details are judged as the message is (they can quote the agent's input too: a name it
  // wrote), and shown only whole and clean: redacted in place, they would mark a right guess.
  let details: Record<string, unknown> | undefined;
  if (err.details && clean) {
    const held = screen(redactor, JSON.stringify(err.details));
    for (const name of held.pieces) into?.pieces.add(name);
    for (const name of held.names) into?.names.add(name);
    if (held.pieces.size === 0 && held.names.size === 0 && !held.limited) details = err.details;
  }
  return new BlindfoldError(err.code, message, details);
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
