// Red team 7, the team server and a CLI writing one vault file. The admin page under /ui writes
// the vault from inside the server process (a token created there); a CLI command then writes it
// too (another token). From then on the server must see both, and go on serving every agent.
//
// SPEC §1 promise 8: "Concurrent writers (several CLI processes, a CLI and a server) never lose an
// update"; README, Team server: a token is "looked up on **every** request: a token revoked … is
// refused from its next request on, without a restart" (the same refresh must bring in a token
// created elsewhere, and must not stop the server from reading the vault at all).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { INITIALIZE, mcpHeaders, rawRequest, startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';
import { csrfOf, getPage, postForm, teamLogin } from '../helpers/redteam7-page.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = `rt7-${randomBytes(20).toString('base64url')}`;
let t: TempHome;
let server: HttpServerProcess;
let origin: string;
const tokens: Record<string, string> = {};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TOKEN = /bf_agt_[A-Za-z0-9_-]{43}/;

function createToken(name: string, ...flags: string[]): string {
  const r = runCli(['token', 'create', name, ...flags], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return (tokens[name] = TOKEN.exec(r.stdout)![0]);
}

const initialize = async (token: string) => (await rawRequest(server.url, { headers: mcpHeaders(token), body: INITIALIZE })).status;

beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  expect(runCli(['set', 'RT7_KEY', '--host', 'https://api.example.com'], { env: t.env, input: VALUE }).code).toBe(0);
  createToken('boss', '--admin');
  createToken('agent', '--secrets', 'RT7_*');
  for (let i = 0; i < 4; i++) createToken(`rt7-victim-${i}`, '--secrets', 'RT7_*');
  server = await startHttpServer(t.env);
  origin = new URL(server.url).origin;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (server) expectNoTrace(server.stderr(), [VALUE, ...Object.values(tokens)], 'server output');
  t?.cleanup();
});

describe('redteam7: the server keeps reading a vault it wrote itself, once a CLI wrote it too', () => {
  it('a token created on /ui, then one created by the CLI: both agents and the old one are served', async () => {
    const login = await teamLogin(origin, tokens.boss!);
    expect(login.status).toBe(303);
    const csrf = csrfOf((await getPage(origin, '/ui/tokens', login.cookie)).body);
    const statuses: Record<string, number[]> = {};
    for (let round = 0; round < 3; round++) {
      const minted = await postForm(origin, '/ui/tokens', login.cookie, { _csrf: csrf, name: `rt7-page-${round}`, secrets: 'RT7_*', tasks: '', expires: '', rate: '', env: '' });
      expect(minted.status, minted.body.slice(0, 300)).toBe(200);
      const fromPage = TOKEN.exec(minted.body)![0];
      tokens[`rt7-page-${round}`] = fromPage;
      const cli = runCliAsync(['token', 'create', `rt7-cli-${round}`, '--secrets', 'RT7_*'], { env: t.env });
      const made = await cli.done;
      expect(made.code, made.stderr).toBe(0);
      const fromCli = (tokens[`rt7-cli-${round}`] = TOKEN.exec(made.stdout)![0]);
      await sleep(1000);
      for (const [name, token] of [['agent', tokens.agent!], ['page', fromPage], ['cli', fromCli]] as const) (statuses[name] ??= []).push(await initialize(token));
      (statuses.ui ??= []).push((await getPage(origin, '/ui/tokens', login.cookie)).status);
    }
    expect(statuses, `server stderr:\n${server.stderr().split('\n').filter((l) => l.includes('"level":50')).slice(0, 5).join('\n')}`).toEqual({
      agent: [200, 200, 200],
      page: [200, 200, 200],
      cli: [200, 200, 200],
      ui: [200, 200, 200],
    });
  }, 40_000);

  it('a token revoked by the CLI just after the page wrote the vault is refused by the server (revocation on the next request)', async () => {
    const login = await teamLogin(origin, tokens.boss!);
    expect(login.status).toBe(303);
    const csrf = csrfOf((await getPage(origin, '/ui/tokens', login.cookie)).body);
    const after: number[] = [];
    for (let round = 0; round < 4; round++) {
      const victim = tokens[`rt7-victim-${round}`]!;
      expect(await initialize(victim)).toBe(200);
      const minted = await postForm(origin, '/ui/tokens', login.cookie, { _csrf: csrf, name: `rt7-rev-${round}`, secrets: 'RT7_*', tasks: '', expires: '', rate: '', env: '' });
      expect([200, 500]).toContain(minted.status);
      await sleep(300);
      const revoked = await runCliAsync(['token', 'revoke', `rt7-victim-${round}`], { env: t.env }).done;
      expect(revoked.code, revoked.stderr).toBe(0);
      await sleep(1500); // "refused from its next request on"; every request refreshes the vault first
      after.push(await initialize(victim));
    }
    expect(after, 'status of each revoked token\'s next request (401 = refused as promised)').toEqual([401, 401, 401, 401]);
  }, 40_000);
});
