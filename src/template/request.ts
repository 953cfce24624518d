/**
 * Structural analysis of a request template before anything is resolved. The URL is split into
 * scheme, authority, path, query and fragment on the raw text, so an expression's placement is
 * known without substituting anything, and the authority must be literal: the destination is fixed
 * before a value exists (CVE-2026-32625: never resolve into an agent-chosen destination).
 */
import { BlindfoldError } from '../errors.js';
import { parseTemplate, renderTemplate, type RenderContext, type Segment } from './parse.js';

export type Placement = 'header' | 'query' | 'body' | 'path';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface AgentRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
  json?: unknown;
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

export interface UrlParts {
  /** scheme + "://" + authority, literal. */
  origin: string;
  path: string;
  query: string | undefined;
  fragment: string | undefined;
}

const AUTHORITY_REFUSAL = 'secrets can never be placed in the scheme, host, port or user info of a URL (the destination must be literal)';

export function splitUrlTemplate(url: string): UrlParts {
  const schemeEnd = url.indexOf('://');
  const firstExpr = url.search(/<(secrets|inputs|steps)\./);
  if (schemeEnd < 0) {
    if (firstExpr >= 0) throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', AUTHORITY_REFUSAL);
    throw new BlindfoldError('BAD_INPUT', 'the url must be absolute, starting with http:// or https://');
  }
  // Special schemes treat "\" like "/", so the authority ends at the first of / \ ? #.
  const rest = url.slice(schemeEnd + 3);
  const authorityLength = rest.search(/[/\\?#]/);
  const originEnd = schemeEnd + 3 + (authorityLength < 0 ? rest.length : authorityLength);
  const origin = url.slice(0, originEnd);
  if (/<(secrets|inputs|steps)\./.test(origin) || (firstExpr >= 0 && firstExpr < originEnd)) {
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

function secretsIn(text: string): Array<Extract<Segment, { kind: 'secret' }>> {
  return parseTemplate(text).filter((s): s is Extract<Segment, { kind: 'secret' }> => s.kind === 'secret');
}

function refuseNonSecretExpressions(text: string, where: string): void {
  const other = parseTemplate(text).find((s) => s.kind === 'input' || s.kind === 'step');
  if (other) {
    throw new BlindfoldError('BAD_INPUT', `${where}: <inputs.*> and <steps.*> exist only in task files; http_request takes <secrets.NAME>`);
  }
}

export function analyzeRequest(req: AgentRequest): AnalyzedRequest {
  const uses: SecretUse[] = [];
  const add = (text: string, placement: Placement, where: string) => {
    refuseNonSecretExpressions(text, where);
    for (const s of secretsIn(text)) uses.push({ name: s.name, placement, where });
  };
  const parts = splitUrlTemplate(req.url);
  if (parts.fragment !== undefined && secretsIn(parts.fragment).length > 0) {
    throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', 'secrets can never be placed in a URL fragment');
  }
  add(parts.path, 'path', 'the URL path');
  if (parts.query !== undefined) add(parts.query, 'query', 'the URL query string');
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (secretsIn(k).length > 0) throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', 'secrets can never be placed in a query parameter name');
    add(v, 'query', `query "${k}"`);
  }
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (secretsIn(k).length > 0) throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', 'secrets can never be placed in a header name');
    add(v, 'header', `header "${k}"`);
  }
  if (req.body !== undefined) add(req.body, 'body', 'body');
  if (req.json !== undefined) walkJson(req.json, (text) => add(text, 'body', 'json body'), () => {
    throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', 'secrets can never be placed in a JSON object key');
  });
  return { uses, names: [...new Set(uses.map((u) => u.name))] };
}

function walkJson(value: unknown, onString: (s: string) => void, onSecretKey: () => void): void {
  if (typeof value === 'string') onString(value);
  else if (Array.isArray(value)) for (const v of value) walkJson(v, onString, onSecretKey);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (secretsIn(k).length > 0) onSecretKey();
      walkJson(v, onString, onSecretKey);
    }
  }
}

/** Encodes a substituted value for a path: one segment's worth, so "/", "?", "#" can't restructure the URL. */
export function encodePathValue(value: string): string {
  return encodeURIComponent(value);
}

/** Encodes a substituted value for a query string: "&", "=", "+", "#" all escaped. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value);
}

/** Renders a URL template: literal origin, expressions in path and query percent-encoded per component. */
export function renderUrl(urlTemplate: string, ctx: RenderContext): string {
  const parts = splitUrlTemplate(urlTemplate);
  let out = parts.origin + renderTemplate(parts.path, ctx, encodePathValue);
  if (parts.query !== undefined) out += `?${renderTemplate(parts.query, ctx, encodeQueryValue)}`;
  if (parts.fragment !== undefined) out += `#${renderTemplate(parts.fragment, {}, (s) => s)}`;
  return out;
}

export function renderRequestUrl(urlTemplate: string, secret: (name: string) => string): string {
  return renderUrl(urlTemplate, { secret });
}
