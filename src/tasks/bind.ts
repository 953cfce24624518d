/**
 * Turns a task step plus the agent's inputs (and earlier steps' redacted results) into a request
 * the broker handles exactly like an agent's `http_request`. The one rule that matters: nothing the
 * agent supplies may become template syntax. Inputs are escaped (`<` → `<<`) in text and
 * percent-encoded per component in the URL, so an input of `<secrets.OTHER>` stays literal text,
 * `../`, `@host` or `//host` stay inside one path segment or query value, and the origin, written
 * literally in the task file, never moves.
 */
import { BlindfoldError } from '../errors.js';
import { mapJson } from '../template/json.js';
import { parseTemplate, type Segment } from '../template/parse.js';
import { splitUrlTemplate, type HttpRequestInput } from '../template/request.js';
import type { TaskStep } from './schema.js';

export interface BindContext {
  input(name: string): unknown;
  step(step: string, path: string[]): unknown;
}

/** `<` is the only character that opens template syntax; doubled, the broker reads it as text. */
function escapeTemplate(text: string): string {
  return text.replace(/</g, '<<');
}

export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function valueOf(seg: Exclude<Segment, { kind: 'text' | 'secret' }>, ctx: BindContext): unknown {
  return seg.kind === 'input' ? ctx.input(seg.name) : ctx.step(seg.step, seg.path);
}

/** Re-emits a template with inputs and steps substituted and secret expressions left for the broker. */
function bindText(source: string | Segment[], ctx: BindContext, encode: (s: string) => string): string {
  let out = '';
  for (const seg of typeof source === 'string' ? parseTemplate(source) : source) {
    if (seg.kind === 'text') out += escapeTemplate(seg.text);
    else if (seg.kind === 'secret') out += `<secrets.${seg.name}>`;
    else out += encode(asText(valueOf(seg, ctx)));
  }
  return out;
}

function encodePathComponent(value: string): string {
  // encodeURIComponent leaves "." alone, and URL parsing resolves a "." or ".." segment (even as
  // %2e%2e): an input that is a whole dot segment could climb the path, so it is refused.
  if (/^(\.|%2e){1,2}$/i.test(value)) {
    throw new BlindfoldError('BAD_INPUT', 'an input used in a URL path may not be "." or ".."');
  }
  return encodeURIComponent(value);
}

export function bindUrl(url: string, ctx: BindContext): string {
  const parts = splitUrlTemplate(url);
  let out = escapeTemplate(parts.origin) + bindText(parts.path, ctx, (v) => escapeTemplate(encodePathComponent(v)));
  if (parts.query !== undefined) out += `?${bindText(parts.query, ctx, (v) => escapeTemplate(encodeURIComponent(v)))}`;
  if (parts.fragment !== undefined) out += `#${bindText(parts.fragment, ctx, (v) => escapeTemplate(encodeURIComponent(v)))}`;
  return out;
}

/** JSON bodies: a string that is exactly one `<inputs.X>` or `<steps...>` takes the value's own type. */
function bindJson(value: unknown, ctx: BindContext): unknown {
  return mapJson(value, (text) => {
    const segs = parseTemplate(text);
    const only = segs.length === 1 ? segs[0]! : undefined;
    // A value from an input or a step's output is data: its object keys are escaped like its strings.
    if (only && (only.kind === 'input' || only.kind === 'step')) return mapJson(valueOf(only, ctx), escapeTemplate, { key: escapeTemplate });
    return bindText(segs, ctx, escapeTemplate);
  });
}

export function bindStep(step: TaskStep, ctx: BindContext): HttpRequestInput {
  const text = (s: string) => bindText(s, ctx, escapeTemplate);
  const req: HttpRequestInput = { method: step.method, url: bindUrl(step.url, ctx) };
  if (step.headers) req.headers = Object.fromEntries(Object.entries(step.headers).map(([k, v]) => [k, text(v)]));
  if (step.query) req.query = Object.fromEntries(Object.entries(step.query).map(([k, v]) => [k, text(v)]));
  if (step.body !== undefined) req.body = text(step.body);
  if (step.json !== undefined) req.json = bindJson(step.json, ctx);
  if (step.timeoutMs !== undefined) req.timeoutMs = step.timeoutMs;
  if (step.maxBytes !== undefined) req.maxBytes = step.maxBytes;
  return req;
}

/** Every template string of a step, with where it sits (for load-time checks). */
export function stepTemplates(step: TaskStep): Array<{ text: string; path: (string | number)[] }> {
  const out: Array<{ text: string; path: (string | number)[] }> = [{ text: step.url, path: [...step.path, 'url'] }];
  for (const [k, v] of Object.entries(step.headers ?? {})) out.push({ text: v, path: [...step.path, 'headers', k] });
  for (const [k, v] of Object.entries(step.query ?? {})) out.push({ text: v, path: [...step.path, 'query', k] });
  if (step.body !== undefined) out.push({ text: step.body, path: [...step.path, 'body'] });
  if (step.json !== undefined) mapJson(step.json, (text, path) => out.push({ text, path: [...step.path, 'json', ...path] }));
  return out;
}
