/**
 * Text an admin wrote that agents are shown (a secret's description and metadata, a task tool's
 * description and input schema): a stored value pasted there by mistake (`--description "$TOKEN"`,
 * a key in a task file) is taken out the way an answer's is (red team 13: a passphrase, a PIN or a
 * key written there reached every agent in scope, past a guard that judged by shape). No agent text
 * goes through here, so a marker tells an agent nothing it chose.
 */
import type { Redactor } from './redactor.js';
import { screen } from './wall.js';

/** `value` with every string in it (object keys too) through the wall; numbers and the shape kept. */
export function scrubStrings<T>(redactor: Redactor, value: T): T {
  return walk(redactor, value, 0) as T;
}

/** Deeper than this is no admin's listing: withheld rather than walked. */
const MAX_DEPTH = 64;

function walk(redactor: Redactor, value: unknown, depth: number): unknown {
  if (typeof value === 'string') return screen(redactor, value).text;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) return value.map((v) => walk(redactor, v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [screen(redactor, k).text, walk(redactor, v, depth + 1)]));
}
