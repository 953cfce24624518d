// Red team 11: a whole value smuggled past the input tripwire in a URL's host, joined by Blindfold's
// own URL parser, and confirmed by what comes back, with no tripwire.
//
// Mechanism: the agent writes the host as the candidate value cut every 8 characters by a non-ASCII
// letter (`rt11-k9Q中m2Zp7Lx4中…`). AnswerJudge.screenInput sees no 12-character window (the
// pieces are split by a CJK letter, which no view removes), so the input passes. parseRequest's
// WHATWG URL parser then applies IDNA: Punycode copies every basic (ASCII) code point of a label
// first, in order, so the host becomes `xn--rt11-k9qm2zp7lx4vb8nc3rt6wy1hd5jf0gs-….invalid`: the
// whole value, contiguous (case folded). From there:
//  - the lookup fails after `sent = true` (Broker.#httpRequest); AnswerJudge.failure judges only
//    `pieces` of a sent request, and a whole-value hit lands in `names`, so the message is replaced
//    by "the message is not shown because it held secret material" (a wrong candidate gets "could
//    not resolve xn--…"), and nothing trips: no suspension, no request.attack;
//  - when the host answers, the final `url` goes through screen() into `into.names`, shown as
//    `[REDACTED:KEY]`, again with no trip.
// So an agent holding candidate values (a token found in a repository's history, an old value of a
// rotated secret: tombstones are matched too) learns which one the vault holds, call after call,
// never suspended. The comment on AnswerJudge.failure names "a host turned to Punycode" as a case
// that must trip; only pieces (part of a value) do.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, type Listening } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'rt11-k9Qm2Zp7Lx4Vb8Nc3Rt6Wy1Hd5Jf0Gs';
const WRONG = 'rt11-a8Wn3Yq6Mz5Tc7Kd2Pf9Uh4Jx1Gr0Ls';
let up: Listening;
const homes: Array<{ t: TempHome; s: StdioSession }> = [];
/** Servers started with the value's Punycode host in their own arguments (their banner repeats them): not checked for it. */
const argHomes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  up = await listenOn(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')));
});
afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await closeHomes(argHomes, []);
  await up.close();
});

/** The candidate cut every 8 characters by a CJK letter: no window of it in the text as written. */
const smuggled = (v: string) => v.match(/.{1,8}/g)!.join('中') + '中';
/** The host the URL parser makes of it (Punycode: the ASCII characters first, joined). */
const punycoded = (v: string, tld: string) => new URL(`http://${smuggled(v)}.${tld}/`).hostname;

async function served(args: string[] = []): Promise<StdioSession> {
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  const s = await connectStdio(t.env, args);
  (args.length ? argHomes : homes).push({ t, s });
  return s;
}

describe('redteam11: a whole value joined by the URL parser (Punycode) is a guess like any other', () => {
  it('the parser joins it (precondition)', () => {
    expect(punycoded(KEY, 'invalid')).toContain(KEY.toLowerCase());
  });

  it('a host that does not resolve: the right candidate trips the wire (not a different message and a session that goes on)', async () => {
    const wrong = await served();
    const w = await wrong.call('http_request', { method: 'GET', url: `http://${smuggled(WRONG)}.invalid/p` });
    expect(visible(w)).toContain('could not resolve');
    const s = await served();
    const r = await s.call('http_request', { method: 'GET', url: `http://${smuggled(KEY)}.invalid/p` });
    expect(survivingWindow(visible(r), KEY)).toBeNull();
    const next = await s.call('http_request', { method: 'GET', url: `${up.url}/after` });
    expect(visible(next), `right: ${visible(r)}\nwrong: ${visible(w)}`).toContain('PRINCIPAL_SUSPENDED');
  });

  it('a host that answers: the right candidate trips the wire (not a url shown as a marker)', async () => {
    const host = punycoded(KEY, 'example');
    const s = await served(['--resolve', `${host}=127.0.0.1`, '--allow-origin', `http://${host}:${up.port}`]);
    const r = await s.call('http_request', { method: 'GET', url: `http://${smuggled(KEY)}.example:${up.port}/p` });
    expect(survivingWindow(visible(r), KEY)).toBeNull();
    const next = await s.call('http_request', { method: 'GET', url: `${up.url}/after` });
    expect(visible(next), `right: ${visible(r).slice(0, 300)}`).toContain('PRINCIPAL_SUSPENDED');
  });
});
