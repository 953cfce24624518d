/**
 * Structural analysis of a request template before anything is resolved. The URL is split into
 * scheme, authority, path, query and fragment on the raw text, so an expression's placement is
 * known without substituting anything, and the authority must be literal: the destination is fixed
 * before a value exists (CVE-2026-32625: never resolve into an agent-chosen destination).
 * Every template is parsed once; rendering reuses the parsed form.
 */
import { BlindfoldError } from '../errors.js';
import { checkHeaders } from '../policy/headers.js';
import type { Placement } from '../policy/placements.js';
import { mapJson } from './json.js';
import { parseTemplate, renderTemplate, type RenderContext, type Segment } from './parse.js';
import { repeatable } from '../echo.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** What a caller may ask of one exchange: a deadline and a body cap, each with a default and a ceiling. */
export const REQUEST_LIMITS = {
  timeoutMs: { default: 30_000, max: 120_000 },
  maxBytes: { default: 1024 * 1024, max: 10 * 1024 * 1024 },
} as const;

export interface AgentRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
  json?: unknown;
}

export interface HttpRequestInput extends AgentRequest {
  timeoutMs?: number;
  maxBytes?: number;
}

export interface SecretUse {
  name: string;
  placement: Placement;
  where: string;
}

export interface AnalyzedRequest {
  uses: SecretUse[];
  names: string[];
}

/** An agent's request parsed once: where each secret goes, and every template ready to render. */
export interface ParsedRequest extends AnalyzedRequest {
  method: HttpMethod;
  source: HttpRequestInput;
  timeoutMs: number;
  maxBytes: number;
  /** The destination with `{secrets.X}` placeholders: known before any value exists. */
  target: URL;
  templates: Map<string, Segment[]>;
}

export interface UrlParts {
  /** scheme + "://" + authority, literal. */
  origin: string;
  path: string;
  query: string | undefined;
  fragment: string | undefined;
}

const AUTHORITY_REFUSAL = 'secrets can never be placed in the scheme, host, port or user info of a URL (the destination must be literal)';
const EXPRESSION = /<(secrets|inputs|steps)\./;

/**
 * Where the text is split must be where the URL parser splits it: `http:host/…`, `http:/host`,
 * `http:\\host` and `://` later in the text are all one URL to the parser, so only a URL that
 * literally starts with its scheme and `//` is split, and one holding a tab or a line break (which the
 * parser drops wherever they are) is refused.
 */
const LITERAL_START = /^https?:\/\//i;

export function splitUrlTemplate(url: string): UrlParts {
  const firstExpr = url.search(EXPRESSION);
  if (!LITERAL_START.test(url)) {
    if (firstExpr >= 0) throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', AUTHORITY_REFUSAL);
    throw new BlindfoldError('BAD_INPUT', 'the url must be absolute, starting with http:// or https://');
  }
  if (/[\t\n\r]/.test(url)) throw new BlindfoldError('BAD_INPUT', 'the url must not hold tabs or line breaks');
  const schemeEnd = url.indexOf('://');
  // Special schemes treat "\" like "/", so the authority ends at the first of / \ ? #.
  const rest = url.slice(schemeEnd + 3);
  const authorityLength = rest.search(/[/\\?#]/);
  const originEnd = schemeEnd + 3 + (authorityLength < 0 ? rest.length : authorityLength);
  const origin = url.slice(0, originEnd);
  if (EXPRESSION.test(origin) || (firstExpr >= 0 && firstExpr < originEnd)) {
    throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', AUTHORITY_REFUSAL);
  }
  const tail = url.slice(originEnd);
  const hash = tail.indexOf('#');
  const beforeHash = hash < 0 ? tail : tail.slice(0, hash);
  const fragment = hash < 0 ? undefined : tail.slice(hash + 1);
  const q = beforeHash.indexOf('?');
  return {
    origin,
    path: q < 0 ? beforeHash : beforeHash.slice(0, q),
    query: q < 0 ? undefined : beforeHash.slice(q + 1),
    fragment,
  };
}

/** Finds every secret expression of a request and where it lands; refuses the places none may go. */
export function analyzeRequest(req: AgentRequest): AnalyzedRequest {
  const { uses, names } = analyze(req, new Map());
  return { uses, names };
}

function analyze(req: AgentRequest, templates: Map<string, Segment[]>): AnalyzedRequest {
  const uses: SecretUse[] = [];
  const secretsIn = (text: string) => {
    let segments = templates.get(text);
    if (!segments) templates.set(text, (segments = parseTemplate(text)));
    return segments;
  };
  const add = (text: string, placement: Placement, where: string) => {
    for (const s of secretsIn(text)) {
      if (s.kind === 'secret') uses.push({ name: s.name, placement, where });
      else if (s.kind !== 'text') throw new BlindfoldError('BAD_INPUT', `${where}: <inputs.*> and <steps.*> exist only in task files; http_request takes <secrets.NAME>`);
    }
  };
  const refuseInName = (text: string, what: string) => {
    if (secretsIn(text).some((s) => s.kind === 'secret')) throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', `secrets can never be placed in ${what}`);
    return text;
  };
  const parts = splitUrlTemplate(req.url);
  if (parts.fragment !== undefined) refuseInName(parts.fragment, 'a URL fragment');
  add(parts.path, 'path', 'the URL path');
  if (parts.query !== undefined) add(parts.query, 'query', 'the URL query string');
  for (const [k, v] of Object.entries(req.query ?? {})) add(v, 'query', `query "${refuseInName(k, 'a query parameter name')}"`);
  for (const [k, v] of Object.entries(req.headers ?? {})) add(v, 'header', `header "${refuseInName(k, 'a header name')}"`);
  if (req.body !== undefined) add(req.body, 'body', 'body');
  if (req.json !== undefined) {
    try {
      mapJson(req.json, (text) => add(text, 'body', 'json body'), { key: (k) => refuseInName(k, 'a JSON object key'), maxDepth: MAX_JSON_BODY_DEPTH });
    } catch (err) {
      if (err instanceof RangeError) throw new BlindfoldError('BAD_INPUT', `the json body is nested deeper than ${MAX_JSON_BODY_DEPTH} levels; send it as body text`);
      throw err;
    }
  }
  return { uses, names: [...new Set(uses.map((u) => u.name))] };
}

/** Deeper `json` is refused before it is walked: every later walk (render, send) recurses. */
const MAX_JSON_BODY_DEPTH = 512;

/** Checks an agent's request and parses every template in it, once. Nothing is resolved. */
export function parseRequest(input: HttpRequestInput): ParsedRequest {
  const method = String(input.method).toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new BlindfoldError('BAD_INPUT', `method ${JSON.stringify(input.method)} is not supported; use one of ${HTTP_METHODS.join(', ')}`);
  }
  if (input.body !== undefined && input.json !== undefined) throw new BlindfoldError('BAD_INPUT', 'give either body or json, not both');
  checkHeaders(input.headers);
  const templates = new Map<string, Segment[]>();
  const { uses, names } = analyze(input, templates);
  const target = parseTarget(renderUrl(input.url, { secret: (name) => `{secrets.${name}}` }));
  return {
    method: method as HttpMethod,
    source: input,
    timeoutMs: clamp(input.timeoutMs ?? REQUEST_LIMITS.timeoutMs.default, REQUEST_LIMITS.timeoutMs.max),
    maxBytes: clamp(input.maxBytes ?? REQUEST_LIMITS.maxBytes.default, REQUEST_LIMITS.maxBytes.max),
    target,
    templates,
    uses,
    names,
  };
}

export interface RenderedRequest {
  url: URL;
  /** Header names as given; the caller decides their case. */
  headers: Array<[string, string]>;
  body: string | undefined;
}

/** Fills the values in, from the parsed templates (query parameters appended to the URL). */
export function renderRequest(parsed: ParsedRequest, secret: (name: string) => string): RenderedRequest {
  const { source, templates } = parsed;
  const render = (text: string) => renderTemplate(templates.get(text) ?? text, { secret });
  const url = parseTarget(renderUrl(source.url, { secret }, templates));
  // Values are percent-encoded into path and query only, so the origin cannot move; checked anyway.
  if (url.origin !== parsed.target.origin) {
    throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', 'the rendered URL points at another origin than the template; refused');
  }
  for (const [k, v] of Object.entries(source.query ?? {})) url.searchParams.append(k, render(v));
  const headers = Object.entries(source.headers ?? {}).map(([k, v]): [string, string] => [k, render(v)]);
  // Object keys are templates that place nothing (analyze refused a secret there): only their escapes are undone (`<<` is `<`).
  const body = source.json !== undefined ? JSON.stringify(mapJson(source.json, render, { key: (k) => renderTemplate(k, {}) })) : source.body !== undefined ? render(source.body) : undefined;
  return { url, headers, body };
}

/** An absolute http(s) URL without user info, or a typed refusal. */
export function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BlindfoldError('BAD_INPUT', 'the url is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BlindfoldError('SCHEME_NOT_ALLOWED', `only http: and https: URLs are allowed, not ${repeatable(parsed.protocol.slice(0, -1))}:`);
  }
  if (parsed.username || parsed.password) {
    throw new BlindfoldError('BAD_INPUT', 'URLs with user info (user:pass@) are refused; put credentials in a header');
  }
  return parsed;
}

/** Renders a URL template: literal origin, substituted values percent-encoded per component (so "/", "?", "&", "#" stay data). */
export function renderUrl(urlTemplate: string, ctx: RenderContext, templates?: Map<string, Segment[]>): string {
  const parts = splitUrlTemplate(urlTemplate);
  const parsed = (text: string) => templates?.get(text) ?? text;
  let out = parts.origin + renderTemplate(parsed(parts.path), ctx, encodeURIComponent);
  if (parts.query !== undefined) out += `?${renderTemplate(parsed(parts.query), ctx, encodeURIComponent)}`;
  if (parts.fragment !== undefined) out += `#${renderTemplate(parsed(parts.fragment), {})}`;
  return out;
}

export function renderRequestUrl(urlTemplate: string, secret: (name: string) => string): string {
  return renderUrl(urlTemplate, { secret });
}

function clamp(n: number, max: number): number {
  return Math.min(max, Math.max(1, Math.floor(n)));
}
