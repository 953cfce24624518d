// Fourth red team of issue 18, family 2 (the wall as an oracle), at the library door
// (openBlindfold): two channels the MCP door does not have, each giving a caller that writes a
// guess the same oracle redteam3 closed for MCP notifications. They matter where the code calling
// the library runs an agent's choices (the redteam3 comment's "library door"); the plugin adapters
// (src/plugins) hand a model only `code: message` (toolError), so they do not carry these.
//
// 1. An error's `details`. scrubError (redact/response.ts) judges the message only: when it is
//    clean, the details are redacted (`redactor.redact`) and kept, and AnswerJudge.failure never
//    sees what that redaction found. SECRET_NOT_FOUND's details hold the name as written
//    ({ name, suggestions }; policy/authorize.ts notFound), while its message does not repeat a
//    token-like name. The tripwire ignores a value read backwards and the redactor is
//    case-insensitive: a guess, backwards and uppercased, as `<secrets.X…>` comes back as
//    `details.name: "[REDACTED:OTHER]"` when right, as itself when wrong, nothing tripped.
// 2. The `logger` option (log.ts forwardLogs) hands the sink every field of a line, redacted:
//    origin, path, method, which the MCP door stopped forwarding (server.ts forAgent) because
//    their redaction marks a right guess. A guess backwards in the path of a request that needs no
//    secret, sent and redirected away (the final URL shown holds none of it), is `[REDACTED:OTHER]`
//    in the "request sent" line's path for a right guess only (pathForTrail keeps a segment whose
//    characters are split by zero-width spaces, as in redteam3-oracle).
// 1 is closed: details are judged like the message (scrubError) and shown only whole and clean.
// 2 stays a known, failing attack, not promised (README, "Library"): the logger's lines are the
// developer's, every field in them; they must not be handed to a model.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn } from '../helpers/upstream.js';

const KEY = 'rt4-lib-Mw3Zc7Rk1Vq5Tn9Bx2Hf6Lp8';
// A value the caller never places (bound to another origin): lowercase base36, 28 characters.
const OTHER = 'f2w7k4r9c1x6m3v8q5b0t7n2z4j9';
const rev = (s: string) => [...s].reverse().join('');
const wrongOf = (s: string) => `${s.slice(0, 11)}${s[11] === '0' ? '1' : '0'}`;

let up: { url: string; close(): Promise<void> };
let t: TempHome;

beforeAll(async () => {
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/r/')) return void res.writeHead(302, { location: '/done' }).end();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  up = await listenOn(server);
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  await setSecret(t, 'OTHER', OTHER, '--host', 'https://billing.example.com');
});

afterAll(async () => {
  t.cleanup();
  await up.close();
});

describe('redteam4: the library door', () => {
  it("a refusal's details are the same for a right and a wrong guess written as a secret's name (or the right one trips the wire)", async () => {
    const blindfold = await openBlindfold({ home: t.home, principal: 'rt4-details' });
    try {
      const ask = async (guess: string) => {
        try {
          await blindfold.httpRequest({ method: 'GET', url: `${up.url}/x`, headers: { 'x-api-key': `<secrets.X${rev(guess).toUpperCase()}>` } });
          return { code: 'none', message: '', marked: false };
        } catch (err) {
          const e = err as { code: string; message: string; details?: Record<string, unknown> };
          return { code: e.code, message: e.message, marked: /REDACTED/.test(JSON.stringify(e.details ?? {})) };
        }
      };
      const wrong = await ask(wrongOf(OTHER));
      const right = await ask(OTHER.slice(0, 12));
      expect(wrong.code).toBe('SECRET_NOT_FOUND');
      if (right.code !== 'PRINCIPAL_SUSPENDED' && !/suspend|tripwire/i.test(right.message)) {
        expect(right.code).toBe(wrong.code);
        expect(right.message).toBe(wrong.message);
        // Before a fix: details.name is "[REDACTED:OTHER]" for the right guess only.
        expect(right.marked).toBe(wrong.marked);
      }
    } finally {
      await blindfold.close();
    }
  });

  it.fails("the logger's \"request sent\" line is the same for a right and a wrong guess in a path redirected away", async () => {
    const lines: Array<{ msg?: string; fields: object }> = [];
    const sink = (fields: object, msg?: string) => void lines.push({ fields, msg });
    // forwardLogs takes BLINDFOLD_LOG_LEVEL's level: a caller that wants its debug lines sets it.
    const level = process.env.BLINDFOLD_LOG_LEVEL;
    process.env.BLINDFOLD_LOG_LEVEL = 'debug';
    const blindfold = await openBlindfold({ home: t.home, principal: 'rt4-logger', logger: { trace: sink, debug: sink, info: sink, warn: sink, error: sink, fatal: sink } });
    if (level === undefined) delete process.env.BLINDFOLD_LOG_LEVEL;
    else process.env.BLINDFOLD_LOG_LEVEL = level;
    try {
      const segment = (guess: string) => [...rev(guess)].map(encodeURIComponent).join('%E2%80%8B');
      const ask = async (guess: string) => {
        lines.length = 0;
        const r = await blindfold.httpRequest({ method: 'GET', url: `${up.url}/r/${segment(guess)}` });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const sent = lines.filter((l) => l.msg === 'request sent' || l.msg?.startsWith('request refused'));
        return { status: r.status, url: r.url, seen: sent.length, marked: sent.some((l) => /REDACTED/.test(JSON.stringify(l.fields))) };
      };
      const wrong = await ask(wrongOf(OTHER));
      const right = await ask(OTHER.slice(0, 12));
      expect(wrong.seen).toBeGreaterThan(0);
      expect(right.status).toBe(wrong.status);
      expect(right.url).toBe(wrong.url);
      expect(right.marked).toBe(wrong.marked);
    } finally {
      await blindfold.close();
    }
  });
});
