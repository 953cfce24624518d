// Red team of issue 18: the chain oracle (redteam-oracle) without placing anything. A value made of
// a certificate and its private key (an HAProxy-style PEM bundle) has the certificate as one
// "secret-bearing stretch"; the certificate is public (every TLS client receives it), so an agent
// can make an upstream echo a whole stretch of the bundle, which is "whole", never a tripwire. A
// guess at the private key joined to it in a wrapped base64 echo is chained onto that whole run
// (src/redact/occurrences.ts markWhole) and withheld as a unit, not as a piece: the private key
// is read back a character at a time, from the fixed DER prefix of its type, by an agent that was
// never given the bundle. `it.fails` marks the attack that works today.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

const KEY = 'rt-bundle-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';
const CERT_BODY = Buffer.from(`certificate (public): ${'Wk5Jf1Gs0Ay7Ue4Io2Pq9Zx3Cv6'.repeat(12)}`).toString('base64').match(/.{1,64}/g)!.join('\n');
const CERT = `-----BEGIN CERTIFICATE-----\n${CERT_BODY}\n-----END CERTIFICATE-----`;
const PRIVATE = String(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' })).trim();
const BUNDLE = `${CERT}\n${PRIVATE}`;
/** The base64 alphabet as the matcher sees it (case folded), and what a PEM line holds besides. */
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789+/=\n-';
/** Full-width forms (what the agent sends; its input holds no ASCII window of anything). */
const fullWidth = (s: string) => [...s].map((c) => (c === ' ' ? '\u3000' : c > ' ' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** `/attach` keeps a note (NFKC-normalised, as text APIs do) and returns it as a MIME attachment. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const note = Buffer.concat(chunks).toString('utf8').normalize('NFKC');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`Content-Transfer-Encoding: base64\n\n${Buffer.from(note).toString('base64').match(/.{1,76}/g)!.join('\n')}\n`);
    });
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KEY, PRIVATE]);
  await up.close();
});

describe('redteam: a public stretch of a value never placed carries the chain oracle', () => {
  it('the private key of a stored key+certificate bundle is not read back (up to case) from its certificate', async () => {
    const t = tempHome();
    await setSecret(t, 'KEY', KEY, '--host', up.url);
    await setSecret(t, 'TLS_BUNDLE', BUNDLE, '--host', 'https://lb.example.com');
    const s = await connectStdio(t.env);
    homes.push({ t, s });
    // The certificate up to the middle of its END line (where the stretch's last window ends), a
    // space (so the lead's last letter never extends a window by accident), then the guess.
    const lead = `${CERT}\n`.slice(0, -15) + ' ';
    let calls = 0;
    // Whether `guess` is a window of the bundle; undefined once the agent is stopped.
    const isWindow = async (guess: string, baseline: number): Promise<boolean | undefined> => {
      calls++;
      const r = await s.call('http_request', { method: 'POST', url: `${up.url}/attach`, body: fullWidth(`${lead}${guess} and the rest of the note, long enough to reach the next line`) });
      if (r.isError) return undefined;
      return String((r.structuredContent as { body?: string }).body).split('\n').length !== baseline;
    };
    const first = await s.call('http_request', { method: 'POST', url: `${up.url}/attach`, body: fullWidth(`${lead}zzzzzzzzzzzz and the rest of the note, long enough to reach the next line`) });
    const baseline = String((first.structuredContent as { body?: string }).body).split('\n').length;
    // What every ed25519 PKCS#8 key starts with: armour and a fixed DER prefix, known to anyone.
    let known = PRIVATE.slice(0, '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI'.length);
    const end = PRIVATE.indexOf('\n-----END');
    while (known.length < end) {
      let next: string | undefined;
      let stopped = false;
      for (const c of LOWER) {
        const hit = await isWindow(known.slice(-11) + c, baseline);
        if (hit === undefined) stopped = true;
        if (hit !== false) {
          next = c;
          break;
        }
      }
      if (stopped || next === undefined) break;
      known += next;
    }
    // The matcher folds case, so the attack reads the key up to case (2^letters candidates, checked
    // offline against the public key in the certificate).
    const upToCase = known.toLowerCase() === PRIVATE.slice(0, end).toLowerCase();
        expect(upToCase ? `read back, up to case, in ${calls} calls` : 'not read back').toBe('not read back');
  }, 300_000);
});
