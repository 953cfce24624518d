// Red team 13 (public parts of URL-shaped values): src/redact/public-parts.ts `looksSecret` decides
// which tokens of a URL-shaped value (path segments, query values, the user) are secret-bearing by
// their SHAPE: a token of small letters in groups of up to 20 joined by - _ . ~ + (with up to two
// trailing digits), a run of up to 12 digits, up to 8 capitals or a camelCase word is "public" —
// never indexed, never redacted, never a guess. The README promises the opposite for such tokens:
// public are "a URL's scheme, host, port, dictionary path words and query keys, leaving userinfo
// and high-entropy path and query tokens". A random 20-letter token (26^20 ≈ 94 bits) is no
// dictionary word; a diceware passphrase in `?password=` is the same password that is secret in
// userinfo; a 12-digit access code is 40 bits, the floor `set` itself enforces.
//
// When the URL holds one other token that does look secret (the usual case: a key in the path and
// a signature or code in the query), the value is not "all public" and those tokens are simply not
// in the index. An upstream that echoes what it was sent (a webhook registration answering with the
// parsed callback, a debug endpoint) then shows them to the agent in clear, and an agent writing
// them trips nothing. Severity: medium-high for such values (a whole secret-bearing part of a stored
// value readable in one call); the mixed-case part of the same value is redacted, which shows the
// set-up is sound.
// Mechanism: public-parts.ts classifies URL tokens by character classes instead of by what is
// public (a real word list for "dictionary path words", or an entropy estimate as the set-time
// floor uses); every token of a stored URL-shaped value that is not demonstrably public (scheme,
// host, port, query keys, real words) should be indexed.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

/** Random small letters, no digits (made up for this file; 20 letters ≈ 94 bits). */
const LETTERS = 'qzvxkwpmtrbnjhdyfgls';
/** A diceware-style passphrase (6 words of a 7,776-word list ≈ 77 bits). */
const PASSPHRASE = 'rt-orbit-lunar-velvet-quarry-tundra';
/** A 12-digit access code (40 bits). */
const DIGITS = '731904826153';
/** The part of each value that does look secret: present so the value is not "all public". */
const PATH_KEY = 'Rt13Kq9Zx7Wm4Pv2';

let up: Listening;
let t: TempHome;

beforeAll(async () => {
  // A careless upstream: it registers the callback URL it is sent and answers with what it parsed.
  up = await listenOn(
    createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        try {
          const callback = new URL((JSON.parse(body) as { url: string }).url);
          res.end(JSON.stringify({ registered: true, host: callback.host, path: callback.pathname, params: Object.fromEntries(callback.searchParams) }));
        } catch {
          res.statusCode = 400;
          res.end('{"registered":false}');
        }
      });
    }),
  );
  t = tempHome();
  const flags = ['--host', up.url, '--placement', 'body'] as const;
  await setSecret(t, 'RT13_HOOK_SIG', `https://hooks.rt13.example/v1/${PATH_KEY}/export?sig=${LETTERS}`, ...flags);
  await setSecret(t, 'RT13_LOGIN_URL', `https://api.rt13.example/v1/${PATH_KEY}/login?user=dana&password=${PASSPHRASE}`, ...flags);
  await setSecret(t, 'RT13_JOIN_URL', `https://meet.rt13.example/j/${PATH_KEY}?code=${DIGITS}`, ...flags);
});

afterAll(async () => {
  t?.cleanup();
  await up?.close();
});

async function register(principal: string, name: string): Promise<string> {
  const b = await openBlindfold({ home: t.home, principal });
  try {
    const r = await b.httpRequest({ method: 'POST', url: `${up.url}/hooks`, json: { url: `<secrets.${name}>` } });
    return JSON.stringify(r);
  } finally {
    await b.close();
  }
}

describe('redteam13: high-entropy tokens of a URL-shaped value that are shaped like words', () => {
  it('a random letters-only signature in the query is not shown in clear', async () => {
    const seen = await register('rt13-hook', 'RT13_HOOK_SIG');
    expect(seen.includes(PATH_KEY), 'PATH_KEY shown in clear').toBe(false); // control: the mixed-case part is redacted
    expect(seen.includes(LETTERS), 'LETTERS shown in clear').toBe(false);
  });

  it('a passphrase in ?password= is as secret as the same password in userinfo', async () => {
    const seen = await register('rt13-login', 'RT13_LOGIN_URL');
    expect(seen.includes(PATH_KEY), 'PATH_KEY shown in clear').toBe(false);
    expect(seen.includes(PASSPHRASE), 'PASSPHRASE shown in clear').toBe(false);
  });

  it('a 12-digit access code in the query is not shown in clear', async () => {
    const seen = await register('rt13-join', 'RT13_JOIN_URL');
    expect(seen.includes(PATH_KEY), 'PATH_KEY shown in clear').toBe(false);
    expect(seen.includes(DIGITS), 'DIGITS shown in clear').toBe(false);
  });

  it('an agent that writes the letters-only signature is taken for a guess (the tripwire)', async () => {
    const b = await openBlindfold({ home: t.home, principal: 'rt13-writer' });
    try {
      const call = b.httpRequest({ method: 'POST', url: `${up.url}/hooks`, json: { url: `https://hooks.rt13.example/x?sig=${LETTERS}` } });
      // Today: sent and answered (the signature is no secret material to the index).
      await expect(call).rejects.toMatchObject({ code: 'REQUEST_REFUSED' });
    } finally {
      await b.close();
    }
  });
});
