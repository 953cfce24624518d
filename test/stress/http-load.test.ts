// Issue 21's bounded load test: one `serve --http` on loopback, 20 agents each with a token of its
// own scoped to one secret, 20 sessions × 50 http_request calls at once. Zero errors, zero
// cross-principal resolutions (the stub sees each agent's own credential on every call of it; a
// call naming another agent's secret is refused as if it did not exist and sends nothing), zero
// leaks (no value or token in any answer or in what the server printed). The 20 SDK clients each
// number their requests from 0, so the same JSON-RPC ids are in flight on every session at once;
// each answer must carry its own call's marker. Then SIGTERM in the middle of a second wave of
// slow calls: every call the upstream had received by then is counted as in flight, and every one
// must come back answered; the server exits 0. Bounded: about 10–20 s here.
import { randomBytes } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, startHttpServer, type HttpServerProcess, type HttpSession } from '../helpers/http-server.js';
import { seedVault } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';

const AGENTS = 20;
const CALLS = 50;
const agents = Array.from({ length: AGENTS }, (_, i) => {
  const n = String(i).padStart(2, '0');
  return { n, token: '', secret: `TEAM_${n}_KEY`, value: `${i % 2 ? 'ghp_' : 'sk_live_'}${randomBytes(18).toString('hex')}` };
});
const VALUES = agents.map((a) => a.value);

let t: TempHome;
let stub: Stub;
let server: HttpServerProcess;
let sessions: HttpSession[] = [];

/** The agent and call a stub request was made for, from the marker in its URL. */
const markerOf = (url: string) => /[?&]agent=(\d+)&call=(\d+)/.exec(url)?.slice(1).map(Number) as [number, number] | undefined;

/** The request URL the stub's /echo answered with, as the agent received it. */
const echoedUrl = (r: CallToolResult) => {
  const sc = r.structuredContent as { json?: { url?: string }; body?: string };
  return (sc.json ?? (JSON.parse(sc.body ?? '{}') as { url?: string })).url;
};

const call = (i: number, path: string, secret = agents[i]!.secret) =>
  sessions[i]!.call('http_request', { method: 'GET', url: `${stub.origin}${path}`, headers: { 'x-api-key': `<secrets.${secret}>` } });

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  await seedVault(
    t.env,
    agents.map((a) => ({ name: a.secret, value: a.value, hosts: [stub.origin] })),
  );
  // One token per agent, each scoped to its own secret only (the globs are disjoint).
  const created = await Promise.all(agents.map((a) => runCliAsync(['token', 'create', `agent-${a.n}`, '--secrets', `TEAM_${a.n}_*`], { env: t.env }).done));
  created.forEach((r, i) => {
    expect(r.code, r.stderr).toBe(0);
    agents[i]!.token = r.stdout.trim();
  });
  server = await startHttpServer(t.env);
  sessions = await Promise.all(agents.map((a) => connectHttp(server.url, a.token, `agent-${a.n}`)));
}, 60_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  if (server && server.child.exitCode === null) await server.stop();
  await stub?.close();
  t?.cleanup();
});

it('20 sessions with their own tokens × 50 calls at once: no error, each sees only its own secret, no leak', async () => {
  stub.reset();
  const results = await Promise.all(
    agents.map((_, i) => Promise.all(Array.from({ length: CALLS }, (_, j) => call(i, `/echo?agent=${i}&call=${j}`)))),
  );
  results.forEach((perAgent, i) =>
    perAgent.forEach((r, j) => {
      expectOutcome(r, { redacted: [agents[i]!.secret] });
      // Its own call's answer (the URL the stub echoed), not another session's call with the same JSON-RPC id.
      expect(echoedUrl(r)).toBe(`/echo?agent=${i}&call=${j}`);
      expectNoTrace(visible(r), VALUES);
    }),
  );
  // Every call reached the stub once, with the credential of the agent that made it and no other.
  expect(stub.requests).toHaveLength(AGENTS * CALLS);
  const seen = new Set<string>();
  for (const req of stub.requests) {
    const [i, j] = markerOf(req.url)!;
    expect(req.headers['x-api-key'], `agent ${i}'s call ${j} carried another credential`).toBe(agents[i]!.value);
    seen.add(`${i}/${j}`);
  }
  expect(seen.size).toBe(AGENTS * CALLS);

  // Another agent's secret is refused as if it did not exist, and nothing is sent.
  stub.reset();
  const crossed = await Promise.all(agents.map((_, i) => call(i, `/echo?agent=${i}&call=999`, agents[(i + 1) % AGENTS]!.secret)));
  for (const r of crossed) {
    expectOutcome(r, { error: 'SECRET_NOT_FOUND' });
    expectNoTrace(visible(r), VALUES);
  }
  expect(stub.requests).toHaveLength(0);
}, 90_000);

it('SIGTERM in the middle of a second wave: every call in flight is answered, the server exits 0', async () => {
  stub.reset();
  const answered = new Set<string>();
  const failed: string[] = [];
  // Each session loops slow calls, two at a time, until the server stops taking them.
  const waves = agents.map((_, i) =>
    Promise.all(
      [0, 1].map(async (lane) => {
        for (let j = lane; j < CALLS; j += 2) {
          try {
            const r = await call(i, `/slow?ms=1000&agent=${i}&call=${j}`);
            expectOutcome(r, { redacted: [] });
            expect((r.structuredContent as { url: string }).url).toMatch(new RegExp(`&agent=${i}&call=${j}$`));
            expectNoTrace(visible(r), VALUES);
            answered.add(`${i}/${j}`);
          } catch {
            failed.push(`${i}/${j}`);
            return; // refused once the server stops accepting; this lane is over
          }
        }
      }),
    ),
  );
  // In the middle of the wave: every lane has had at least one call reach the stub.
  await expect.poll(() => stub.requests.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(AGENTS * 2 * 2);
  server.child.kill('SIGTERM');
  const inFlight = stub.requests
    .map((r) => markerOf(r.url)!)
    .map(([i, j]) => `${i}/${j}`)
    .filter((k) => !answered.has(k));
  expect(inFlight.length, 'calls in flight when SIGTERM was sent').toBeGreaterThan(0);
  await Promise.all(waves);
  expect(await server.exited).toBe(0);

  // No lost in-flight call: each came back answered, and so did every call that reached the stub later.
  expect(inFlight.filter((k) => !answered.has(k))).toEqual([]);
  const reached = stub.requests.map((r) => markerOf(r.url)!.join('/'));
  expect(reached.filter((k) => !answered.has(k))).toEqual([]);
  // A call refused at shutdown never reached the stub (refused whole, not half-done).
  expect(failed.filter((k) => reached.includes(k))).toEqual([]);
  for (const req of stub.requests) expect(req.headers['x-api-key']).toBe(agents[markerOf(req.url)![0]]!.value);
  expect(server.stderr()).toContain('SIGTERM: not accepting new requests');
  expectNoTrace(server.stderr(), [...VALUES, ...agents.map((a) => a.token)], 'server output');
  process.stderr.write(`http-load: ${inFlight.length} calls in flight at SIGTERM, all answered; ${answered.size} answered in the wave, ${failed.length} refused after it\n`);
}, 90_000);
