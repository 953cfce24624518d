/**
 * Text an admin wrote that agents are shown (a secret's description and metadata, a task tool's
 * description and input schema): a stored value pasted there by mistake (`--description "$TOKEN"`,
 * a key in a task file) is taken out the way an answer's is (red team 13: a passphrase, a PIN or a
 * key written there reached every agent in scope, past a guard that judged by shape). No agent text
 * goes through here, so a marker tells an agent nothing it chose. The text is matched as written
 * (every window, case folded, no decoded view): the slip is pasting a value, and a listing of
 * 10,000 descriptions through every view took seconds.
 */
import type { Redactor } from './redactor.js';

/** `value` with every string in it (object keys too) through the wall; numbers and the shape kept. */
export function scrubStrings<T>(redactor: Redactor, value: T): T {
  return walk(redactor, value, 0) as T;
}

/** Deeper than this is no admin's listing: withheld rather than walked. */
const MAX_DEPTH = 64;

function walk(redactor: Redactor, value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactor.redactAsWritten(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.map((v) => walk(redactor, v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactor.redactAsWritten(k), walk(redactor, v, depth + 1)]));
}
