// The spellings of a value an agent must never see (SPEC §1 promise 4, issue 4's encodings).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { visible } from './mcp.js';

export function spellingsOf(value: string): Record<string, string> {
  const b = Buffer.from(value);
  const html = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  return {
    raw: value,
    base64: b.toString('base64').replace(/=+$/, ''),
    base64url: b.toString('base64url'),
    // base64 of "user:"+value: the characters that encode value bytes only (from offset 8)
    basicAuth: Buffer.from(`user:${value}`).toString('base64').slice(8, -4),
    hex: b.toString('hex'),
    HEX: b.toString('hex').toUpperCase(),
    url: encodeURIComponent(value),
    urlLower: encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    form: new URLSearchParams({ v: value }).toString().slice(2),
    json: JSON.stringify(value).slice(1, -1),
    html,
  };
}

/** Asserts that none of the values appears in `text` in any spelling. */
export function expectNoTrace(text: string, values: string[], where = 'agent view'): void {
  for (const v of values) {
    for (const [kind, spelling] of Object.entries(spellingsOf(v))) {
      if (spelling.length < 8) continue;
      expect(text.includes(spelling), `${where}: ${kind} spelling of a secret value found`).toBe(false);
    }
  }
}

/**
 * What a call must have come to for a no-trace check on its result to prove anything. A check that
 * a value left no trace passes just as well when the call failed before the value went anywhere,
 * so each one states the outcome: success with these secrets scrubbed (`redacted`, checked as a
 * subset; [] when nothing came back to scrub), or a refusal with this error code.
 */
export type Outcome = { redacted: string[] } | { error: string | RegExp };

export function expectOutcome(result: CallToolResult, outcome: Outcome): void {
  const seen = visible(result);
  if ('error' in outcome) {
    expect(result.isError, `expected the error ${outcome.error}: ${seen}`).toBe(true);
    if (typeof outcome.error === 'string') expect(seen).toContain(outcome.error);
    else expect(seen).toMatch(outcome.error);
    return;
  }
  expect(result.isError, seen).toBeFalsy();
  // http_request names them at the top; a task per step.
  const sc = (result.structuredContent ?? {}) as { redacted?: string[]; steps?: Array<{ redacted?: string[] }> };
  const redacted = [...(sc.redacted ?? []), ...(sc.steps ?? []).flatMap((s) => s.redacted ?? [])];
  expect(redacted, `secrets scrubbed: ${seen}`).toEqual(expect.arrayContaining(outcome.redacted));
}
