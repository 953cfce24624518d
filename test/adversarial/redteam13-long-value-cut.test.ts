// Red team 13 (honest read cut short, long values): red team 1 found that a body cut at maxBytes
// made a stored value the cut fell inside "a piece" (the tripwire, for a value not placed); the
// fix reads `maxBytes + longestPattern + 4` bytes and judges hits only before `text.length -
// STREAM_HOLD_BACK` (src/broker.ts readLimit, src/redact/response.ts shownEnd). But
// `Redactor.longestPattern` is the constant hold-back, W × 64 = 768 characters, not the longest
// stored value. A stored value longer than that (a PEM private key is ~1,700 characters, a service
// account JSON ~2,300, long refresh tokens and SAS URLs over 1,000) that an honest answer holds
// whole, and that starts less than ~768 characters before the cut, is read only in part: its
// first windows are before the judged end, its last ones were never read, so it is a "piece". Of
// a value not placed in the exchange that is a tripwire event: the honest agent (previewing a
// config listing with a small maxBytes, as README "What agents get" suggests for large answers) is
// suspended, and the origin counted toward quarantine for everyone.
// Severity: medium (goal 5: an honest read suspends its principal; red team 1's case, still open
// for every value longer than the hold-back).
// Mechanism: the read past the cap is a constant; a run of hits still open at the end of what was
// read is judged as a piece. Either read on until every run open at the cap has ended (bounded by
// the longest stored value, which the index knows), or treat a run cut by the end of the read as
// unknown (withheld with the tail, never a piece).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

// Made up for this file only (never printed).
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey.trimEnd();
const LONG_TOKEN = `rt13-Rt13${randomBytes(900).toString('base64url')}`;

const vars = Array.from({ length: 20 }, (_, i) => ({ name: `FEATURE_${i}`, value: `on-${i}` }));
/** A CI system's variable listing: every stored value in it whole (an honest read). */
const LISTING = JSON.stringify({ vars: [...vars, { name: 'DEPLOY_KEY', value: PEM }, { name: 'FLAG', value: 'on' }, { name: 'REFRESH_TOKEN', value: LONG_TOKEN }, ...vars] });

const CI_AUTH = { Authorization: 'Bearer <secrets.RT13_CI_TOKEN>' };

/** One CI origin per case: each trip counts against the origin that answered (two quarantine it for everyone). */
const ups: Listening[] = [];
let t: TempHome;

beforeAll(async () => {
  for (let i = 0; i < 4; i++) {
    ups.push(
      await listenOn(
        createServer((_req, res) => {
          res.setHeader('content-type', 'application/json');
          res.end(LISTING);
        }),
      ),
    );
  }
  t = tempHome();
  // The CI system's own token, placed in every read of it.
  await setSecret(t, 'RT13_CI_TOKEN', 'rt13-ci-Rt13Kq9Zx7Wm4Pv2Lc8Hs5Jd3Nf6Bt1Yg', ...ups.flatMap((u) => ['--host', u.url]));
  // Stored for other hosts: never placed in a request to the CI system.
  await setSecret(t, 'RT13_DEPLOY_KEY', PEM, '--host', 'https://git.rt13.example');
  await setSecret(t, 'RT13_REFRESH_TOKEN', LONG_TOKEN, '--host', 'https://auth.rt13.example');
});

afterAll(async () => {
  t?.cleanup();
  for (const u of ups) await u.close();
});

/** Two reads by a fresh principal: the cut one, then the whole listing. */
async function readCut(principal: string, url: string, maxBytes: number): Promise<string[]> {
  const b = await openBlindfold({ home: t.home, principal });
  const seen: string[] = [];
  try {
    for (const size of [maxBytes, undefined]) {
      try {
        const r = await b.httpRequest({ method: 'GET', url: `${url}/ci/variables`, headers: CI_AUTH, ...(size ? { maxBytes: size } : {}) });
        seen.push(r.withheld ? 'withheld' : 'shown');
      } catch (err) {
        seen.push((err as { code?: string }).code ?? 'error');
      }
    }
  } finally {
    await b.close();
  }
  return seen;
}

describe('redteam13: an honest read cut inside a stored value longer than the hold-back', () => {
  it('control: read whole, the listing is shown with both values redacted', async () => {
    const b = await openBlindfold({ home: t.home, principal: 'rt13-whole' });
    try {
      const r = await b.httpRequest({ method: 'GET', url: `${ups[0]!.url}/ci/variables`, headers: CI_AUTH });
      expect(r.withheld).toBeFalsy();
      expect(r.redacted).toEqual(['RT13_DEPLOY_KEY', 'RT13_REFRESH_TOKEN']);
    } finally {
      await b.close();
    }
  });

  for (const [label, value, at, i] of [
    ['a PEM private key', 'DEPLOY_KEY', 600, 1],
    ['a PEM private key (cut near its start)', 'DEPLOY_KEY', 120, 2],
    ['a 1,200-character refresh token', 'REFRESH_TOKEN', 300, 3],
  ] as const) {
    it(`a preview cut ${at} characters into ${label} suspends no one`, async () => {
      const start = LISTING.indexOf(`"name":"${value}","value":"`) + `"name":"${value}","value":"`.length;
      // Today: ['REQUEST_REFUSED', 'PRINCIPAL_SUSPENDED'].
      expect(await readCut(`rt13-cut-${value.toLowerCase()}-${at}`, ups[i]!.url, start + at)).toEqual(['shown', 'shown']);
    });
  }
});
