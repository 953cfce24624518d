// Red team of issue 18, family 2 (the wall as an oracle). A hostile agent that controls only MCP
// calls, against a careless upstream on 127.0.0.1 that the secret is bound to. Tests marked
// `it.fails` are attacks that work today: each asserts the property the issue promises, and fails.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { WITHHELD_NOTICE } from '../../src/redact/redactor.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

// Lowercase hex after a vendor prefix: the redactor folds case, so the oracle below reads a value
// back exactly when it has no upper-case letters (otherwise up to case). Its last character occurs
// nowhere else in it, so the key followed by a guess never forms a window by accident.
const KEY = 'sk_live_4f9c2a7e1b8d3c6f0a5e9b2d7c4f1a8x';
const ALPHABET = '0123456789abcdefx';
const reverse = (s: string) => [...s].reverse().join('');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/**
 * A careless debug endpoint: `/debug` shows a masked hint of the key it got (its first 11
 * characters, below a window, as APIs do) and a MIME-wrapped base64 dump (76 columns, as Python's
 * base64.encodebytes) of the key joined with the caller's note, which it stores reversed (a SQL
 * REVERSE). `/reverse` echoes `s` reversed.
 */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = String(req.headers['x-api-key'] ?? '');
    const q = url.searchParams.get('q') ?? '';
    res.writeHead(200, { 'content-type': 'text/plain' });
    if (url.pathname === '/debug') {
      const dump = Buffer.from(`request-token:${key}${reverse(q)} and the rest of the request it got`).toString('base64');
      return res.end(`hint: ${key.slice(0, 11)}...\n${dump.match(/.{1,76}/g)!.join('\n')}\n`);
    }
    if (url.pathname === '/reverse') return res.end(`echo: ${reverse(url.searchParams.get('s') ?? '')}`);
    res.end('?');
  });
  return listenOn(server);
}

async function fresh(): Promise<StdioSession> {
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  const s = await connectStdio(t.env);
  homes.push({ t, s });
  return s;
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

const body = (r: { structuredContent?: unknown }) => String((r.structuredContent as { body?: string }).body);

describe('redteam: whole-vs-piece chaining makes a right guess a "whole" hit (no allowance, no suspension)', () => {
  // Mechanism: markWhole (src/redact/occurrences.ts) joins runs of one name that merely touch in
  // original coordinates. In a base64 view, the bytes of the key and of the note right after it
  // share a base64 character, so a right guess's run touches the key's whole run and is marked
  // whole too. A whole hit withholds its unit (here: the base64 lines it spans), never the body,
  // and spends nothing; a wrong guess leaves the second line shown. The line count is the oracle.
  const ask = (s: StdioSession, guess: string) =>
    s.call('http_request', { method: 'GET', url: `${up.url}/debug`, headers: { 'x-api-key': '<secrets.KEY>' }, query: { q: reverse(guess) } });

  it('a right guess and a wrong guess give the agent the same view (differential)', async () => {
    const s = await fresh();
    const wrong = await ask(s, 'sk_live_0000');
    const right = await ask(s, KEY.slice(1, 13));
    expect(right.isError).toBeFalsy();
    // Either the bounded exception (the whole body withheld, allowance spent) or the same shape of
    // answer as a wrong guess: as many lines shown.
    if ((right.structuredContent as { withheld?: boolean }).withheld) expect(body(right)).toBe(WITHHELD_NOTICE);
    else expect(body(right).split('\n').length).toBe(body(wrong).split('\n').length);
  });

  it('the whole value is read back from the 11-character hint, a few calls per character, never suspended', async () => {
    const s = await fresh();
    const first = await s.call('http_request', { method: 'GET', url: `${up.url}/debug`, headers: { 'x-api-key': '<secrets.KEY>' } });
    let known = /hint: (\S{11})\.\.\./.exec(body(first))![1]!;
    // The reference: how many lines a certainly-wrong note leaves shown.
    const shape = (r: { structuredContent?: unknown }) => body(r).split('\n').length;
    const baseline = shape(await ask(s, 'zzzzzzzzzzzz'));
    let calls = 0;
    while (known.length < KEY.length) {
      let next: string | undefined;
      for (const c of ALPHABET) {
        calls++;
        const r = await ask(s, known.slice(-11) + c);
        // Stopped (the bounded exception ran out): the attack ends with what it has.
        if (r.isError) break;
        if (shape(r) < baseline) {
          next = c;
          break;
        }
      }
      if (next === undefined) break;
      known += next;
    }
    // The attack's own record (kept in the failure message, never the value): it read the key back.
    expect(known === KEY ? `read back in ${calls} calls` : 'not read back').toBe('not read back');
  }, 120_000);
});

describe('redteam: the chain reaches values of the same name the agent cannot use', () => {
  // Every environment's value of a secret is indexed under its name, and markWhole chains runs by
  // name: a guess at the production value, joined to the development value the agent placed, is
  // "whole" too. An agent bound to development confirms windows of the production value forever.
  const PROD = 'sk_live_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2x';
  it('right guesses at another environment\'s value are told apart at most 3 + 1 times', async () => {
    const t = tempHome();
    await setSecret(t, 'KEY', KEY, '--host', up.url);
    await setSecret(t, 'KEY', PROD, '--host', up.url, '--env', 'production');
    const s = await connectStdio(t.env);
    homes.push({ t, s });
    const shape = (r: { isError?: boolean; structuredContent?: unknown }) => (r.isError ? -1 : body(r).split('\n').length);
    const ask = (guess: string) => s.call('http_request', { method: 'GET', url: `${up.url}/debug`, headers: { 'x-api-key': '<secrets.KEY>' }, query: { q: reverse(guess) } });
    const wrong = shape(await ask('zzzzzzzzzzzz'));
    // Answers that differ from a wrong guess's, without being a refusal: at most the allowance and
    // the answer that spends it past its end (3 + 1), then the principal is stopped.
    const told: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const n = shape(await ask(PROD.slice(8 + i * 4, 20 + i * 4)));
      told.push(n !== -1 && n !== wrong);
    }
    expect(told.filter(Boolean).length).toBeLessThanOrEqual(4);
  });
});

describe('redteam: windows that are mostly a public prefix', () => {
  // Promise 4a: "Windows count only secret-bearing characters, so no guess can start from a public
  // prefix". fingerprintTriples skips only windows wholly inside a public part, so `sk_live_` plus
  // the first 4 secret characters is a window: 16^4 guesses (hex) find it, batched many per call.
  it('a guess of the vendor prefix and 4 secret characters is not secret material (same view as a wrong one)', async () => {
    const s = await fresh();
    const wrong = await s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: reverse('sk_live_0000') } });
    expect(body(wrong)).toBe('echo: sk_live_0000');
    const right = await s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: reverse(KEY.slice(0, 12)) } });
    expect(right.isError, visible(right)).toBeFalsy();
    expect(body(right)).toBe(`echo: ${KEY.slice(0, 12)}`);
  });
});

describe('redteam: the allowance under concurrent calls', () => {
  // Mechanism: AnswerJudge spends the allowance in bookkeeping after the reply, and the broker waits
  // for that bookkeeping only at the start of the next call; calls already in flight all pass the
  // check. A burst of N concurrent calls with pieces gets N answers (each a bit), not 3 + 1.
  it('a burst of 12 concurrent right guesses gets at most the allowance and the suspending answer', async () => {
    const s = await fresh();
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, headers: { 'x-api-key': '<secrets.KEY>' }, query: { s: reverse(KEY.slice(8 + i, 22 + i)) } }),
      ),
    );
    for (const r of burst) expect(survivingWindow(visible(r), KEY)).toBeNull();
    const answered = burst.filter((r) => !r.isError).length;
    expect(answered).toBeLessThanOrEqual(4);
  });
});

describe('redteam: the tripwire under concurrent calls', () => {
  // Mechanism: the suspension is checked when a call starts; calls already in flight were judged
  // one by one, each right guess refused with REQUEST_REFUSED and each wrong one shown. A burst
  // of 16 calls, each holding the candidates whose bit i is set, names one candidate out of 65,536
  // (group testing), the first window after a vendor prefix, in one round trip.
  it('a burst of guesses at a value not placed tells right from wrong for at most one call', async () => {
    const s = await fresh();
    const guesses = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? KEY.slice(8 + i, 22 + i) : `zz${i}zzzzzzzzzzzz`));
    const burst = await Promise.all(guesses.map((g) => s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, query: { s: reverse(g) } })));
    for (const r of burst) expect(survivingWindow(visible(r), KEY)).toBeNull();
    // Past the first tripwire, a right and a wrong guess must look the same (both refused alike):
    // at most one right guess (the call that tripped) shows what no wrong guess shows.
    const shape = (r: (typeof burst)[number]) => visible(r).replace(/stdio:[\w.:-]+/g, 'P');
    const wrongViews = new Set(burst.filter((_, i) => i % 2 === 1).map(shape));
    const tellable = burst.filter((r, i) => i % 2 === 0 && !wrongViews.has(shape(r))).length;
    expect(tellable, burst.map(shape).join('\n')).toBeLessThanOrEqual(1);
  });
});

describe('redteam (stopped): the plain piece oracle is bounded by the allowance', () => {
  it('a guess echoed as plain text withholds the whole body; the fourth suspends', async () => {
    const s = await fresh();
    const ask = (g: string) => s.call('http_request', { method: 'GET', url: `${up.url}/reverse`, headers: { 'x-api-key': '<secrets.KEY>' }, query: { s: reverse(g) } });
    for (let i = 0; i < 4; i++) {
      const r = await ask(KEY.slice(10 + i, 24 + i));
      expect(survivingWindow(visible(r), KEY)).toBeNull();
      expect((r.structuredContent as { withheld?: boolean }).withheld).toBe(true);
    }
    expect(visible(await ask('x'))).toContain('PRINCIPAL_SUSPENDED');
  });
});
