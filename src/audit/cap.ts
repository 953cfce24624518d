/**
 * Entry size caps. Several fields of an entry are chosen, directly or not, by an agent (the path,
 * the secret names its template asked for, a refusal reason that quotes what it sent): capped here,
 * one entry can never be large, so a flood costs the trail entries, not megabytes per entry.
 */
import { createHash } from 'node:crypto';
import type { AuditFields } from './chain.js';
import { UNSAFE_CHAR_CLASS } from './unsafe.js';

/** Characters kept of one text field; the rest is replaced by its length and a hash. */
export const MAX_FIELD_CHARS = 256;
/** Names kept in `secrets`; a template can name any number (unknown names are refused later). */
export const MAX_SECRET_NAMES = 32;
/** Arguments kept of an `exec.run` command line. */
export const MAX_ARGV_WORDS = 64;

const TEXT_FIELDS = ['principal', 'env', 'method', 'origin', 'path', 'reason', 'task'] as const;

const UNSAFE = new RegExp(`[${UNSAFE_CHAR_CLASS}]`, 'gu');

/** Each unsafe character as visible text (`\\u202e`), so the trail never holds one raw. */
export function neutralise(text: string): string {
  return text.replace(UNSAFE, (c) => c.split('').map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * `text` whole if short; otherwise its first MAX_FIELD_CHARS characters and
 * `…[+N bytes sha256:…]` for the rest, so two long fields that differ only late still differ in
 * the trail. Never cuts a surrogate pair in half.
 */
export function capText(text: string, max = MAX_FIELD_CHARS): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  const rest = text.slice(end);
  return `${text.slice(0, end)}…[+${Buffer.byteLength(rest)} bytes sha256:${digest(rest)}]`;
}

/** A reason's code: what precedes the first ':' (the rest is a message, which may quote a request). */
export function reasonCode(reason: string | undefined): string {
  return (reason ?? '').split(':')[0]!.trim();
}

/**
 * The fields with every agent-influenced text and list capped and its unsafe characters escaped.
 * A refused request's reason keeps only its code (issue 18 item 8): refusal messages quote what
 * the agent sent (a header name, a method, a host), and the trail must not hold agent-chosen text
 * as the reason; what was refused is in the entry's own fields (origin, path, secrets).
 */
export function capFields(fields: AuditFields): AuditFields {
  const out: AuditFields = { ...fields };
  if (out.action === 'request.denied' && out.reason !== undefined) out.reason = reasonCode(out.reason);
  for (const key of TEXT_FIELDS) {
    const v = out[key];
    if (typeof v === 'string') out[key] = capText(neutralise(v));
  }
  if (out.secrets) {
    const names = out.secrets.map((n) => capText(neutralise(n), 128));
    if (names.length > MAX_SECRET_NAMES) {
      const rest = names.slice(MAX_SECRET_NAMES);
      out.secrets = [...names.slice(0, MAX_SECRET_NAMES), `…[+${rest.length} more sha256:${digest(rest.join('\n'))}]`];
    } else out.secrets = names;
  }
  if (out.argv) {
    const words = out.argv.slice(0, MAX_ARGV_WORDS).map((a) => capText(neutralise(a), 128));
    out.argv = out.argv.length > MAX_ARGV_WORDS ? [...words, `…[+${out.argv.length - MAX_ARGV_WORDS} more]`] : words;
  }
  return out;
}
