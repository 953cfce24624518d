// Red team 7, the team server and a CLI writing one vault file. The admin page under /ui writes
// the vault from inside the server process (a token created there); a CLI command then writes it
// too (a token created or revoked).
//
// The bug (src/store/file.ts, FileStore): a write (`update`, under the file lock) appends its change
// with appendChange and then does `this.#committedEnd += bytes` and `target.apply(change)`. But the
// same process reads the journal without the lock (`read` → `#catchUp(false)` → `#applyJournal`,
// which sets `#committedEnd = tail.committedEnd`) whenever a request refreshes the vault, and the
// team server refreshes on its own folder-watch events (src/mcp/http-recheck.ts: every change in
// the folder runs `stillValid` → vault.refresh()). When that unlocked read lands after the commit
// line is on disk and before `+= bytes`, the change is counted twice: `#committedEnd` points past
// the end of the journal by the size of the change. From then on the server reads the journal from
// a point past what the CLI appends next: a short change (a revocation) is read as 0 bytes and
// never applied — the revoked token keeps working — and a longer one is read from the middle of a
// line, VAULT_CORRUPT, and every request of every agent gets 500 until a restart. And the server's
// own next write (a tripwire suspension, say) is numbered from its stale state, a revision the CLI
// already used: every other reader (readTail in src/store/journal.ts skips a commit below the
// revision it expects) drops it, so `blindfold suspended` does not list it and a restart lifts it.
// (Checked with a probe wrapping appendChange: an unlocked read between the commit and `+=` left
// #committedEnd at 732 on a journal of 510 bytes, and a later CLI revocation was never applied.)
// Any agent can start it: request_secret makes the server write the vault's state.
//
// Broken: SPEC §1 promise 8 "Concurrent writers (several CLI processes, a CLI and a server) never
// lose an update"; README, Team server: a token is "looked up on **every** request: a token
// revoked (`blindfold token revoke`) or expired is refused from its next request on, without a
// restart"; SPEC §8 "Revocation and expiry apply on the next request, on every instance.";
// README, Suspensions: "It survives restarts (it is kept in the vault's store, shared by every
// process …) and is never lifted by time."
import { randomBytes } from 'node:crypto';
import { startStub } from '../helpers/stub.js';
import { describe, expect, it } from 'vitest';
import { runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, INITIALIZE, mcpHeaders, rawRequest, startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';
import { csrfOf, getPage, postForm, teamLogin } from '../helpers/redteam7-page.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = `rt7-${randomBytes(20).toString('base64url')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TOKEN = /bf_agt_[A-Za-z0-9_-]{43}/;

interface Team {
  t: TempHome;
  server: HttpServerProcess;
  origin: string;
  tokens: Record<string, string>;
  cookie: string;
  csrf: string;
  initialize(token: string): Promise<number>;
  /** Creates a token on the page (the server process writes the vault). */
  mint(name: string): Promise<number>;
}

/** A home with an admin token and `agents` agent tokens, its team server, and an admin logged in to /ui. */
async function withTeam(agents: string[], test: (team: Team) => Promise<void>): Promise<void> {
  const t = tempHome();
  const tokens: Record<string, string> = {};
  let server: HttpServerProcess | undefined;
  // Spawned without blocking: the tests of this file run at once.
  const cli = async (args: string[], input?: string) => {
    const r = await runCliAsync(args, { env: t.env, ...(input === undefined ? {} : { input }) }).done;
    expect(r.code, r.stderr).toBe(0);
    return r;
  };
  const create = async (name: string, ...flags: string[]) => {
    tokens[name] = TOKEN.exec((await cli(['token', 'create', name, ...flags])).stdout)![0];
  };
  try {
    await cli(['init']);
    await cli(['set', 'RT7_KEY', '--host', 'https://api.example.com'], VALUE);
    await create('boss', '--admin');
    for (const name of agents) await create(name, '--secrets', 'RT7_*');
    server = await startHttpServer(t.env);
    const origin = new URL(server.url).origin;
    const login = await teamLogin(origin, tokens.boss!);
    expect(login.status).toBe(303);
    const csrf = csrfOf((await getPage(origin, '/ui/tokens', login.cookie)).body);
    const s = server;
    await test({
      t,
      server: s,
      origin,
      tokens,
      cookie: login.cookie,
      csrf,
      initialize: async (token) => (await rawRequest(s.url, { headers: mcpHeaders(token), body: INITIALIZE })).status,
      mint: async (name) => {
        const r = await postForm(origin, '/ui/tokens', login.cookie, { _csrf: csrf, name, secrets: 'RT7_*', tasks: '', expires: '', rate: '', env: '' });
        const token = TOKEN.exec(r.body)?.[0];
        if (token) tokens[name] = token;
        return r.status;
      },
    });
  } finally {
    await server?.stop();
    if (server) expectNoTrace(server.stderr(), [VALUE, ...Object.values(tokens)], 'server output');
    t.cleanup();
  }
}

const errorsOf = (server: HttpServerProcess) =>
  server
    .stderr()
    .split('\n')
    .filter((l) => l.includes('"level":50'))
    .slice(0, 4)
    .join('\n');

// Concurrent: each test has its own home and server, and spends most of its time waiting (a
// request_secret call waits 3 s for its human); one after another they took 90 s.
describe.concurrent('redteam7: the team server keeps reading a vault file it wrote itself, once a CLI wrote it too', () => {
  it('a token revoked by the CLI just after the page wrote the vault is refused by the server from its next request on', async () => {
    const victims = [0, 1, 2, 3, 4, 5].map((i) => `rt7-victim-${i}`);
    await withTeam(victims, async (team) => {
      const after: number[] = [];
      for (const [round, victim] of victims.entries()) {
        const before = await team.initialize(team.tokens[victim]!);
        if (before !== 200) {
          after.push(before); // the server no longer serves even a live token (VAULT_CORRUPT): 500
          break;
        }
        await team.mint(`rt7-rev-${round}`); // the server process writes the vault
        await sleep(300);
        const revoked = await runCliAsync(['token', 'revoke', victim], { env: team.t.env }).done;
        expect(revoked.code, revoked.stderr).toBe(0);
        await sleep(300); // past "the next request" (every request refreshes the vault first), with time for the folder watcher's read
        after.push(await team.initialize(team.tokens[victim]!));
        if (after.at(-1) !== 401) break;
      }
      // 401: refused, as promised. 200: the revoked token opened a session. 500: the server cannot read the vault any more.
      expect(after, `next request of each revoked token\n${errorsOf(team.server)}`).toEqual(victims.map(() => 401));
      // (stops at the first round that breaks the promise)
    });
  }, 60_000);

  it('after a token created on /ui and one created by the CLI, every agent is still served', async () => {
    await withTeam(['agent'], async (team) => {
      const statuses: Record<string, number[]> = {};
      for (let round = 0; round < 3; round++) {
        expect(await team.mint(`rt7-page-${round}`)).toBe(200);
        const made = await runCliAsync(['token', 'create', `rt7-cli-${round}`, '--secrets', 'RT7_*'], { env: team.t.env }).done;
        expect(made.code, made.stderr).toBe(0);
        const fromCli = (team.tokens[`rt7-cli-${round}`] = TOKEN.exec(made.stdout)![0]);
        await sleep(300);
        const pairs: Array<[string, string]> = [
          ['agent', team.tokens.agent!],
          ['page', team.tokens[`rt7-page-${round}`]!],
          ['cli', fromCli],
        ];
        for (const [who, token] of pairs) (statuses[who] ??= []).push(await team.initialize(token));
      }
      expect(statuses, errorsOf(team.server)).toEqual({ agent: [200, 200, 200], page: [200, 200, 200], cli: [200, 200, 200] });
    });
  }, 60_000);

  it("after an agent's own request_secret (the server writes the vault's state), a token revoked by the CLI is refused from its next request on", async () => {
    const victims = [0, 1, 2, 3, 4].map((i) => `rt7-victim-${i}`);
    await withTeam(['asker', ...victims], async (team) => {
      const asker = await connectHttp(team.server.url, team.tokens.asker!, 'rt7-asker');
      try {
        const after: number[] = [];
        for (const [round, victim] of victims.entries()) {
          const before = await team.initialize(team.tokens[victim]!);
          if (before !== 200) {
            after.push(before);
            break;
          }
          // Any agent can make the server write the vault file: a pending request is kept in the vault's state.
          const asked = await asker.call('request_secret', { name: `RT7_WANTED_${round}`, reason: 'rt7: needed for the build' });
          expect(asked.isError, JSON.stringify(asked)).toBeFalsy();
          const revoked = await runCliAsync(['token', 'revoke', victim], { env: team.t.env }).done;
          expect(revoked.code, revoked.stderr).toBe(0);
          await sleep(300);
          after.push(await team.initialize(team.tokens[victim]!));
          if (after.at(-1) !== 401) break;
        }
        expect(after, `next request of each revoked token (401 = refused as promised)\n${errorsOf(team.server)}`).toEqual(victims.map(() => 401));
      } finally {
        await asker.close().catch(() => {});
      }
    });
  }, 90_000);

  it('after an agent\'s own request_secret, a secret removed by the CLI is no longer sent by the server', async () => {
    const stub = await startStub();
    // Six rounds (two askers: a principal may have five requests pending); the race was lost in one round of two or so.
    const values = Array.from({ length: 6 }, () => `rt7-${randomBytes(20).toString('base64url')}`);
    try {
      await withTeam(['asker-a', 'asker-b'], async (team) => {
        for (const [i, value] of values.entries()) {
          const r = await runCliAsync(['set', `RT7_GONE_${i}`, '--host', stub.origin, '--inject', 'header:x-api-key:{value}'], { env: team.t.env, input: value }).done;
          expect(r.code, r.stderr).toBe(0);
        }
        await sleep(500);
        const askers = [await connectHttp(team.server.url, team.tokens['asker-a']!, 'rt7-asker-a'), await connectHttp(team.server.url, team.tokens['asker-b']!, 'rt7-asker-b')];
        const outcomes: string[] = [];
        try {
          for (const [i, value] of values.entries()) {
            const asker = askers[i % 2]!;
            const use = () =>
              asker.call('http_request', { method: 'GET', url: `${stub.origin}/echo?rt7=${i}`, headers: { 'x-api-key': `<secrets.RT7_GONE_${i}>` } }).catch((err: unknown) => ({
                isError: true,
                content: [{ type: 'text' as const, text: `HTTP failure: ${String(err).slice(0, 160)}` }],
              }));
            const first = await use();
            if (first.isError) {
              outcomes.push(`round ${i}: the server could not use a live secret (${JSON.stringify(first).slice(0, 120)})`);
              break;
            }
            // A long reason: the server's write of the pending request is large.
            const asked = await asker.call('request_secret', { name: `RT7_WANTED_${i}`, reason: `rt7 ${'x'.repeat(480)}` });
            expect(asked.isError, JSON.stringify(asked)).toBeFalsy();
            const removed = await runCliAsync(['rm', `RT7_GONE_${i}`, '--force'], { env: team.t.env }).done;
            expect(removed.code, removed.stderr).toBe(0);
            await sleep(300);
            const before = stub.requests.filter((r) => r.headers['x-api-key'] === value).length;
            const after = await use();
            const sent = stub.requests.filter((r) => r.headers['x-api-key'] === value).length - before;
            expectNoTrace(JSON.stringify(after), [value]);
            outcomes.push(sent ? `round ${i}: the removed secret was sent` : after.isError ? 'refused' : `round ${i}: not refused`);
            if (outcomes.at(-1) !== 'refused') break;
          }
          expect(outcomes, errorsOf(team.server)).toEqual(values.map(() => 'refused'));
        } finally {
          for (const asker of askers) await asker.close().catch(() => {});
        }
      });
    } finally {
      await stub.close();
    }
  }, 150_000);

  it("a tripwire suspension the server writes after an agent's request_secret and a CLI write is on the vault for every process (it survives restarts)", async () => {
    const guessers = Array.from({ length: 5 }, (_, i) => `rt7-guesser-${i}`);
    await withTeam(['asker', ...guessers], async (team) => {
      const asker = await connectHttp(team.server.url, team.tokens.asker!, 'rt7-asker');
      const outcomes: string[] = [];
      try {
        for (const [i, guesser] of guessers.entries()) {
          // The agent makes the server write the vault (a pending request, a long reason: a large change).
          const asked = await asker.call('request_secret', { name: `RT7_WANTED_${i}`, reason: `rt7 ${'y'.repeat(480)}` });
          expect(asked.isError, JSON.stringify(asked)).toBeFalsy();
          // The admin does something small meanwhile.
          const made = await runCliAsync(['token', 'create', `rt7-filler-${i}`, '--secrets', 'RT7_*'], { env: team.t.env }).done;
          expect(made.code, made.stderr).toBe(0);
          await sleep(500);
          // Another agent guesses: the tripwire suspends it (the server writes the suspension).
          const g = await connectHttp(team.server.url, team.tokens[guesser]!, `rt7-${guesser}`).catch(() => undefined);
          if (!g) {
            outcomes.push(`round ${i}: the server refused a live token`);
            break;
          }
          const tripped = await g
            .call('http_request', { method: 'GET', url: 'https://api.example.com/x', headers: { 'x-note': VALUE } })
            .then((r) => JSON.stringify(r), (err: unknown) => String(err));
          await g.close().catch(() => {});
          expectNoTrace(tripped, [VALUE]);
          // The suspension is written off the reply path: look for it a few times before calling it lost.
          let listed: { code: number | null; stdout: string } = { code: null, stdout: '' };
          let seen = false;
          for (let look = 0; look < 5 && !seen; look++) {
            await sleep(300 * (look + 1));
            listed = await runCliAsync(['suspended', '--json'], { env: team.t.env }).done;
            seen = listed.code === 0 && listed.stdout.includes(`token:${guesser}`);
          }
          outcomes.push(seen ? 'suspended' : `round ${i}: token:${guesser} tripped the wire (${tripped.includes('PRINCIPAL_SUSPENDED') || tripped.includes('suspend') ? 'the server said suspended' : tripped.slice(0, 100)}) but the vault does not hold its suspension (CLI exit ${listed.code})`);
          if (outcomes.at(-1) !== 'suspended') {
            // What a restart makes of it: the server's own memory had the suspension; the vault has not.
            const errors = errorsOf(team.server);
            await team.server.stop();
            const again = await startHttpServer(team.t.env);
            try {
              const g2 = await connectHttp(again.url, team.tokens[guesser]!, `rt7-${guesser}-again`);
              const listed2 = await g2.call('list_secrets', {}).then((r) => JSON.stringify(r), (err: unknown) => String(err));
              await g2.close().catch(() => {});
              outcomes.push(listed2.includes('PRINCIPAL_SUSPENDED') ? 'still suspended after a restart' : `after a restart, token:${guesser} is served again: ${listed2.slice(0, 80)}`);
            } finally {
              await again.stop();
              expectNoTrace(again.stderr(), [VALUE], 'restarted server output');
            }
            outcomes.push(errors);
            break;
          }
        }
        expect(outcomes).toEqual(guessers.map(() => 'suspended'));
      } finally {
        await asker.close().catch(() => {});
      }
    });
  }, 120_000);
});
