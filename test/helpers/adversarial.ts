// Shared pieces of the adversarial suites (test/adversarial/): the hostile agent drives the real
// server over MCP; the "attacker" is a second stub server that no secret is bound to.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { filesContaining, type TempHome } from './cli.js';
import { seedSecret } from './inprocess.js';
import { visible, type StdioSession } from './mcp.js';
import { startStub, type Stub } from './stub.js';
import { expectNoTrace, expectOutcome, spellingsOf, type Outcome } from './traces.js';

/** A stub on '::' (IPv4 and IPv6 loopback both reach it), or 127.0.0.1 where IPv6 is missing. */
export async function startAttacker(): Promise<Stub> {
  return startStub({ host: '::' }).catch(() => startStub({ host: '127.0.0.1' }));
}

/** Stores a secret as `blindfold set NAME <flags>` would, in-process (set is not what these suites test). */
export function setSecret(t: TempHome, name: string, value: string, ...flags: string[]): Promise<void> {
  return seedSecret(t.env, name, value, ...flags);
}

/** The attacker's stub saw neither a request nor a TCP connection. */
export function expectUntouched(stub: Stub, label = 'attacker'): void {
  expect(stub.requests, `${label} received a request`).toHaveLength(0);
  expect(stub.connections(), `${label} received a TCP connection`).toBe(0);
}

/**
 * Spellings beyond test/helpers/traces.ts that common server stacks produce: JSON with non-ASCII
 * as \u escapes (Python, PHP, lower hex; .NET, upper hex), PHP's "\/", .NET's default encoder
 * (\u0022 for '"', \u0027, \u002B, \u003C, \u003E, \u0026, \u0060), and the UTF-8 bytes of the
 * value read as Latin-1 (how an HTTP client decodes a UTF-8 header it was sent).
 */
export function extraSpellingsOf(value: string): Record<string, string> {
  const u4 = (c: string, upper: boolean) => {
    const h = c.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${upper ? h.toUpperCase() : h}`;
  };
  const json = JSON.stringify(value).slice(1, -1);
  return {
    jsonAscii: json.replace(/[\u0080-\uffff]/g, (c) => u4(c, false)),
    jsonAsciiUpper: json.replace(/[\u0080-\uffff]/g, (c) => u4(c, true)),
    jsonPhp: json.replace(/\//g, '\\/').replace(/[\u0080-\uffff]/g, (c) => u4(c, false)),
    jsonDotnet: json.replace(/\\"/g, '\\u0022').replace(/[\u0080-\uffff'+<>&`]/g, (c) => u4(c, true)),
    utf8AsLatin1: Buffer.from(value, 'utf8').toString('latin1'),
  };
}

/** Every spelling the brief lists (traces.ts) plus extraSpellingsOf, in one text. */
export function expectNoSpelling(text: string, values: string[], where = 'agent view'): void {
  expectNoTrace(text, values, where);
  for (const v of values) {
    for (const [kind, spelling] of Object.entries(extraSpellingsOf(v))) {
      if (spelling.length < 8 || spelling === v) continue;
      // As it is, and as it reads inside JSON (the agent's structuredContent is JSON text).
      for (const form of new Set([spelling, JSON.stringify(spelling).slice(1, -1)])) {
        expect(text.includes(form), `${where}: ${kind} spelling of a secret value found`).toBe(false);
      }
    }
  }
}

/** The call came to `outcome`, and what the agent saw (content + structuredContent) holds no value in any spelling. */
export function expectAgentSawNothing(result: CallToolResult, values: string[], outcome: Outcome): void {
  expectOutcome(result, outcome);
  const text = visible(result);
  expectNoSpelling(text, values);
  // The structured body, decoded once more (a JSON string inside JSON), must be clean too.
  for (const block of result.content ?? []) {
    if (block.type === 'text') expectNoSpelling(block.text, values, 'text content');
  }
}

/** End of a suite: no value in any server's stderr, nor in any file under the home folder. */
export function expectNoValueAtRest(t: TempHome, sessions: StdioSession[], values: string[]): void {
  const stderr = sessions.map((s) => s.stderr()).join('\n');
  for (const v of values) expect(stderr.includes(v), 'server stderr holds a raw value').toBe(false);
  expectNoTrace(stderr, values, 'server stderr');
  expect(filesContaining(t.home, values)).toEqual([]);
}

/**
 * Two-tries BREACH (SPEC §13) through a figure that depends on a compressed size: `whole(q, maxBytes)`
 * says whether the answer to search text `q` was read whole at that read limit. For each candidate
 * character after `known`, the smallest limit that reads the answer whole is found by bisection,
 * once with the candidate next to the known text and once apart from it; the scores are the
 * differences. A wall that leaks nothing gives every candidate the same score. The search text
 * holds at most 11 characters of the key, never a window.
 */
export async function breachScores(whole: (q: string, maxBytes: number) => Promise<boolean>, known: string, alphabet: string): Promise<number[]> {
  const threshold = async (q: string, lo: number, hi: number) => {
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (await whole(q, mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const base = await threshold(`=${known.slice(-10)}#`, 1, 1 << 14);
  const scores: number[] = [];
  for (const c of alphabet) {
    const a = await threshold(`=${known.slice(-10)}${c}{}{}{}`, base - 32, base + 32);
    const b = await threshold(`=${known.slice(-10)}{}{}{}${c}`, base - 32, base + 32);
    scores.push(a - b);
  }
  return scores;
}

export { spellingsOf };

/** What one guess through an oracle told: the guess was a window of the value, was not, or tripped the wire. */
export type Verdict = 'hit' | 'miss' | 'tripped';

/**
 * Reads a value back one character at a time through a membership oracle, from a hint of W − 1
 * characters: each round asks the last 11 known characters plus each candidate. Stops at the first
 * trip, or when no candidate hits (the value's end, or an oracle that says nothing).
 */
export async function readBack(hint: string, length: number, alphabet: string, ask: (guess: string) => Promise<Verdict>): Promise<{ known: string; calls: number; tripped: boolean }> {
  let known = hint;
  let calls = 0;
  for (let at = hint.length; at < length; at++) {
    let found = '';
    for (const c of alphabet) {
      const verdict = await ask(known.slice(-11) + c);
      calls++;
      if (verdict === 'tripped') return { known, calls, tripped: true };
      if (verdict === 'hit') {
        found = c;
        break;
      }
    }
    if (!found) break;
    known += found;
  }
  return { known, calls, tripped: false };
}
