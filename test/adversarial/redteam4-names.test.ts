// Fourth red team of issue 18, family 2 (the wall as an oracle): a secret's *name* as the agent
// writes it. `<secrets.NAME>` takes any identifier (letters, digits, `_`; src/template/parse.ts),
// and the broker puts the names the agent wrote into the trail before it knows they exist
// (broker.ts: `trail.secrets = request.names …`). A name that does not exist is refused before
// the request leaves (SECRET_NOT_FOUND); its message does not repeat a token-like name
// (echo.ts repeatable), so AnswerJudge.failure finds nothing in it and nothing trips. But the
// "request refused" log line carries `secrets: [the names written]`, every log line is redacted
// (broker.ts addLogScrubber), and `secrets` is one of the fields an MCP client that sent
// `logging/setLevel` is given (server.ts AGENT_FIELDS). The input tripwire ignores a value read
// backwards (answer-judge.ts screenInput: `!h.backwards`), and the redactor is case-insensitive: a
// guess at a window of a value, backwards and uppercased, written as a secret's name, comes back
// in the notification as `[REDACTED:OTHER]` when right and as itself when wrong. No tripwire, no
// allowance: an unbounded membership oracle over 12-character windows, as in redteam3-oracle. It
// needs a client that sends logging/setLevel and reads the notifications: at the team server, the
// README's set-up for an agent with a shell (a token, its own MCP client), a value outside its scope too.
// Closed: a notification carries no `secrets` field (server.ts forAgent), and SECRET_NOT_FOUND's
// details (the name as written) are judged like its message (response.ts scrubError): a right guess
// trips the wire. Each test failed before.
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempHome } from '../helpers/cli.js';
import type { StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome } from '../helpers/upstream.js';
import { readBack, setSecret } from '../helpers/adversarial.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { connectHttp, startHttpServer } from '../helpers/http-server.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = 'rt4-nam-Hq5Tz8Wc2Lm7Rv4Kx9Bd3Np6';
// A value the agent never places (bound to another origin): lowercase base36, 28 characters.
const OTHER = 'g5t8r2w9m4k1x7b3q6z0n5v8c2h4';
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const rev = (s: string) => [...s].reverse().join('');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  up = await listenOn(server);
});

afterAll(async () => {
  await closeHomes(homes, [KEY, OTHER]);
  await up.close();
});

const fresh = () => servedHome(homes, [['KEY', KEY, '--host', up.url], ['OTHER', OTHER, '--host', 'https://billing.example.com']]);

/** A session whose client asked for notifications at `level`, and a call that returns its result and the notifications it caused. */
async function listening(level: 'warning' | 'debug') {
  const s = await fresh();
  const notes: string[] = [];
  s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    notes.push(JSON.stringify(n.params.data));
  });
  await s.client.setLoggingLevel(level);
  const ask = async (guess: string) => {
    notes.length = 0;
    // The guess backwards, uppercased, as the name of a secret: `<secrets.X…>`.
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/x`, headers: { 'x-api-key': `<secrets.X${rev(guess).toUpperCase()}>` } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const text = JSON.stringify(r.content);
    return { text, tripped: /suspend|tripwire/i.test(text), notes: notes.join('\n').replace(/"time":\d+/g, '').replace(/"X[0-9A-Z]{12}"/g, '"NAME"') };
  };
  return { s, ask };
}

describe('redteam4: a guess written as a secret\'s name, in the log notification of its refusal', () => {
  it('the notification of SECRET_NOT_FOUND is the same for a right and a wrong guess (or the right one trips the wire)', async () => {
    const { ask } = await listening('warning');
    const wrong = await ask(`${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`);
    const right = await ask(OTHER.slice(0, 12));
    expect(wrong.text).toMatch(/SECRET_NOT_FOUND/);
    expect(wrong.notes).toMatch(/request refused/);
    if (!right.tripped) {
      // The tool results are the same…
      expect(right.text).toBe(wrong.text);
      // …the notifications must be too (before: "secrets":["[REDACTED:OTHER]"] for the right guess only).
      expect(right.notes).toBe(wrong.notes);
    }
  });

  it('a value never placed is not read back from an 11-character hint: its first right guess trips the wire', async () => {
    const { s, ask } = await listening('warning');
    const { known, calls } = await readBack(OTHER.slice(0, 11), OTHER.length, ALPHABET, async (guess) => {
      const r = await ask(guess);
      return r.tripped ? 'tripped' : /REDACTED/.test(r.notes) ? 'hit' : 'miss';
    });
    const ok = await s.call('http_request', { method: 'GET', url: `${up.url}/x`, headers: { 'x-api-key': '<secrets.KEY>' } });
    expect(calls).toBeGreaterThan(0);
    // Before a fix: the whole value read back, the principal never suspended.
    expect(known === OTHER && !ok.isError).toBe(false);
  }, 300_000);
});

describe('redteam4: the same through the team server, for a token holder running its own MCP client', () => {
  // The set-up the README gives agents with a shell: a token scoped to KEY, its own client over
  // HTTP. OTHER is outside the scope, so the marker is the unnamed `[REDACTED]`: still a marker.
  it('the notification of SECRET_NOT_FOUND is the same for a right and a wrong guess at a value outside the token\'s scope (or the right one trips the wire)', async () => {
    const t = tempHome();
    await setSecret(t, 'KEY', KEY, '--host', 'https://api.example.com');
    await setSecret(t, 'OTHER', OTHER, '--host', 'https://billing.example.com');
    const made = runCli(['token', 'create', 'agent', '--secrets', 'KEY'], { env: t.env });
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    const server = await startHttpServer(t.env);
    try {
      const s = await connectHttp(server.url, token, 'token-agent');
      const notes: string[] = [];
      s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
        notes.push(JSON.stringify(n.params.data));
      });
      await s.client.setLoggingLevel('warning');
      const ask = async (guess: string) => {
        notes.length = 0;
        const r = await s.call('http_request', { method: 'GET', url: 'https://api.example.com/x', headers: { 'x-api-key': `<secrets.X${rev(guess).toUpperCase()}>` } });
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { text: JSON.stringify(r.content), notes: notes.join('\n').replace(/"time":\d+/g, '').replace(/"X[0-9A-Z]{12}"/g, '"NAME"') };
      };
      const wrong = await ask(`${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`);
      const right = await ask(OTHER.slice(0, 12));
      expect(wrong.text).toMatch(/SECRET_NOT_FOUND/);
      expect(wrong.notes).toMatch(/request refused/);
      // The right guess may trip the wire (the refusal's details name what the agent wrote); short of
      // that, it must look like the wrong one. Before a fix: "secrets":["[REDACTED]"] for the right guess only.
      if (!/suspend|tripwire/i.test(right.text)) {
        expect(right.text).toBe(wrong.text);
        expect(right.notes).toBe(wrong.notes);
      }
      await s.close();
    } finally {
      await server.stop();
      for (const v of [KEY, OTHER, token]) expect(survivingWindow(server.stderr(), v)).toBeNull();
      t.cleanup();
    }
  }, 60_000);
});
