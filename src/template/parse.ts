/**
 * Template expressions: `<secrets.NAME>`, `<inputs.NAME>`, `<steps.STEP.PATH>`. Only those three
 * prefixes open an expression, so HTML or XML bodies pass through as text; `<<` is a literal `<`.
 * An opened expression must be well formed and closed. There are no filters, functions or
 * transforms: a transform of a secret (substring, length) would be a brute-force oracle.
 */
import { mayRepeat } from '../echo.js';
import { BlindfoldError } from '../errors.js';

export type Expr =
  | { kind: 'secret'; name: string; start: number; end: number }
  | { kind: 'input'; name: string; start: number; end: number }
  | { kind: 'step'; step: string; path: string[]; start: number; end: number };
export type Segment = { kind: 'text'; text: string } | Expr;

const PREFIXES = [
  ['<secrets.', 'secret'],
  ['<inputs.', 'input'],
  ['<steps.', 'step'],
] as const;
const IDENT = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const PATH_PART = /^(?:[A-Za-z_][A-Za-z0-9_-]{0,127}|\d{1,9})$/;

/** A fragment of a template is quoted only when it could be a name: a template is where keys get pasted. */
function shown(text: string): string {
  return mayRepeat(text) ? JSON.stringify(text) : 'the text (not repeated here)';
}

function syntax(position: number, what: string): BlindfoldError {
  return new BlindfoldError('TEMPLATE_SYNTAX', `malformed expression at position ${position}: ${what}`, { position });
}

export function parseTemplate(source: string): Segment[] {
  const segments: Segment[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }
    if (source[i + 1] === '<') {
      text += '<';
      i += 2;
      continue;
    }
    const prefix = PREFIXES.find(([p]) => source.startsWith(p, i));
    if (!prefix) {
      text += '<';
      i++;
      continue;
    }
    const [p, kind] = prefix;
    const close = source.indexOf('>', i + p.length);
    const nextOpen = source.indexOf('<', i + p.length);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      throw syntax(i, `"${p}" is not closed with ">"`);
    }
    const body = source.slice(i + p.length, close);
    const expr = parseBody(kind, body, i, close + 1, p);
    if (text) segments.push({ kind: 'text', text });
    text = '';
    segments.push(expr);
    i = close + 1;
  }
  if (text) segments.push({ kind: 'text', text });
  return segments;
}

function parseBody(kind: 'secret' | 'input' | 'step', body: string, start: number, end: number, prefix: string): Expr {
  const at = start + prefix.length;
  if (body === '') throw syntax(at, `expected a name after "${prefix}"`);
  const bad = /[^A-Za-z0-9_.-]/.exec(body);
  if (bad) {
    throw syntax(at + bad.index, `unexpected ${JSON.stringify(bad[0])}; expressions hold only a name (no spaces, filters or functions)`);
  }
  const parts = body.split('.');
  if (kind === 'secret' || kind === 'input') {
    if (parts.length !== 1 || !IDENT.test(body)) {
      throw syntax(at, `${shown(body)} is not a valid name (a letter, then letters, digits or underscores; no transforms)`);
    }
    return { kind, name: body, start, end };
  }
  const [step, ...path] = parts;
  if (!step || !IDENT.test(step)) throw syntax(at, `${shown(step ?? '')} is not a valid step name`);
  const head = path[0];
  const valid =
    (head === 'status' && path.length === 1) ||
    (head === 'body' && path.length === 1) ||
    (head === 'headers' && path.length === 2 && /^[A-Za-z0-9-]+$/.test(path[1] ?? '')) ||
    (head === 'json' && path.slice(1).every((x) => PATH_PART.test(x)));
  if (!valid) {
    throw syntax(at + step.length + 1, 'a step reference is <steps.NAME.status>, <steps.NAME.body>, <steps.NAME.headers.X> or <steps.NAME.json[.path]>');
  }
  return { kind: 'step', step, path, start, end };
}

export function secretNames(source: string): string[] {
  return [...new Set(parseTemplate(source).flatMap((s) => (s.kind === 'secret' ? [s.name] : [])))];
}

export function hasExpressions(source: string): boolean {
  return parseTemplate(source).some((s) => s.kind !== 'text');
}

export interface RenderContext {
  secret?: (name: string) => string;
  input?: (name: string) => string;
  step?: (step: string, path: string[]) => string;
}

/** Substitutes expressions; `encode` applies to substituted values only, never to literal text. */
export function renderTemplate(template: Segment[] | string, ctx: RenderContext, encode: (s: string) => string = (s) => s): string {
  const segments = typeof template === 'string' ? parseTemplate(template) : template;
  let out = '';
  for (const seg of segments) {
    if (seg.kind === 'text') {
      out += seg.text;
    } else if (seg.kind === 'secret') {
      if (!ctx.secret) throw new BlindfoldError('BAD_INPUT', `<secrets.${seg.name}> is not available here`);
      out += encode(ctx.secret(seg.name));
    } else if (seg.kind === 'input') {
      if (!ctx.input) throw new BlindfoldError('BAD_INPUT', `<inputs.${seg.name}> is not available here`);
      out += encode(ctx.input(seg.name));
    } else {
      if (!ctx.step) throw new BlindfoldError('BAD_INPUT', `<steps.${seg.step}...> is not available here`);
      out += encode(ctx.step(seg.step, seg.path));
    }
  }
  return out;
}
