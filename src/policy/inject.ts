/**
 * Inject rules: how a task step's `secret_name` places the value. Limited to a whole `{value}` or
 * `{value:base64}` — a format language with substrings or widths would let a caller extract a value
 * piece by piece (superfly/tokenizer's lesson, SPEC §13).
 */
import { BlindfoldError } from '../errors.js';
import { HEADER_TOKEN, isManagedHeader } from './headers.js';
import type { Placement } from './placements.js';

/** Where an inject rule can put a value: a header or a query parameter, never the path or body. */
type InjectPlacement = Extract<Placement, 'header' | 'query'>;

export interface InjectRule {
  placement: InjectPlacement;
  name: string;
  format: string;
  encoding: 'raw' | 'base64';
  canonical: string;
}

export const DEFAULT_INJECT = 'header:Authorization:Bearer {value}';
const EXAMPLE = 'e.g. "header:Authorization:Bearer {value}", "header:x-api-key:{value}", "query:key:{value}", "header:Authorization:Basic {value:base64}"';

function bad(why: string): BlindfoldError {
  return new BlindfoldError('BAD_INJECT', `invalid inject rule: ${why} (${EXAMPLE})`);
}

export function parseInject(spec: string): InjectRule {
  if (typeof spec !== 'string' || spec.trim() === '') throw bad('empty');
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(spec)) throw bad('line breaks, NUL and other control characters are not allowed');
  const first = spec.indexOf(':');
  const second = first < 0 ? -1 : spec.indexOf(':', first + 1);
  if (first < 0 || second < 0) throw bad('expected PLACEMENT:NAME:FORMAT');
  const placement = spec.slice(0, first).trim().toLowerCase();
  const name = spec.slice(first + 1, second).trim();
  const format = spec.slice(second + 1);
  // What failed is described, not repeated: it may be a value typed in the wrong place (promise 1).
  if (placement !== 'header' && placement !== 'query') throw bad('the placement (before the first ":") must be header or query');
  if (placement === 'header') {
    if (!HEADER_TOKEN.test(name)) throw bad('the header name (between the first two ":") is not a valid header name');
    if (isManagedHeader(name)) throw bad(`the ${name} header is managed by Blindfold and cannot carry a secret`);
  } else if (name === '' || /[&=#?\s]/.test(name)) {
    throw bad('the query parameter name (between the first two ":") is empty or holds &, =, #, ? or spaces');
  }
  const slots = format.match(/\{[^}]*\}/g) ?? [];
  if (slots.length !== 1 || (slots[0] !== '{value}' && slots[0] !== '{value:base64}')) {
    throw bad('the format must contain exactly one {value} or {value:base64} and no other {...}');
  }
  const encoding = slots[0] === '{value:base64}' ? 'base64' : 'raw';
  return { placement, name, format, encoding, canonical: `${placement}:${name}:${format}` };
}

/** Applies a rule to a plaintext. The plaintext never goes into an error. */
export function renderInject(rule: InjectRule, value: string): { placement: InjectPlacement; name: string; value: string } {
  const encoded = rule.encoding === 'base64' ? Buffer.from(value, 'utf8').toString('base64') : value;
  const slot = rule.encoding === 'base64' ? '{value:base64}' : '{value}';
  const i = rule.format.indexOf(slot);
  return { placement: rule.placement, name: rule.name, value: rule.format.slice(0, i) + encoded + rule.format.slice(i + slot.length) };
}
