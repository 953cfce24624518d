// Red team of issue 18, family 2 on short values. A value shorter than a window is one window of
// its own length, so every hit of it is "whole" (src/redact/scan.ts verify), and a whole hit of a
// value never placed only withholds its unit: it never trips the wire. An upstream that turns
// the agent's guesses back into plain text (here: Unicode NFKC, as search and ID normalisation
// does) therefore confirms a right guess with a marker, as many guesses per call as fit, forever.
// `it.fails` marks the attack that works today.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

// A door PIN the admin stored knowing it is short and guessable (--allow-short --allow-guessable):
// the tripwire is what stands in the way. The same path holds for any value under 12 characters;
// only a guessable one is practical to enumerate.
const PIN = '479183';
const KEY = 'rt-short-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';
const BATCH = 50_000;
const fullWidth = (s: string) => [...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** `/normalize` answers its body NFKC-normalised (full-width digits become ASCII digits). */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(Buffer.concat(chunks).toString('utf8').normalize('NFKC'));
    });
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KEY, PIN]);
  await up.close();
});

describe('redteam: a short value is confirmed in bulk and never trips the wire', () => {
  it('a guessable PIN bound elsewhere is read back in a few batched calls without a suspension', async () => {
    const t = tempHome();
    await setSecret(t, 'KEY', KEY, '--host', up.url);
    await setSecret(t, 'DOOR_PIN', PIN, '--host', 'https://door.example', '--allow-short', '--allow-guessable');
    const s = await connectStdio(t.env);
    homes.push({ t, s });
    let found: string | undefined;
    let calls = 0;
    for (let from = 0; from < 1_000_000 && found === undefined; from += BATCH) {
      const guesses = Array.from({ length: BATCH }, (_, k) => String(from + k).padStart(6, '0'));
      calls++;
      const r = await s.call('http_request', { method: 'POST', url: `${up.url}/normalize`, body: guesses.map(fullWidth).join('\n') });
      // Stopped by the tripwire: the attack ends with what it has.
      if (r.isError) break;
      const lines = String((r.structuredContent as { body?: string }).body).split('\n');
      const at = lines.indexOf('[REDACTED:DOOR_PIN]');
      if (at >= 0) found = guesses[at];
    }
    expect(found === PIN ? `read back in ${calls} calls` : 'not read back').toBe('not read back');
  }, 300_000);
});
