// Issue 10 through the real server over MCP: the redactor knows every value of the vault, not just
// the ones this server process resolved. A stub bound to the used secret reflects, in decoded-view
// spellings, values it was given out of band by the test: an older version of the used secret, its
// value in another environment, another secret bound to the same stub that no call ever used, and
// a secret another process adds while the server runs. None of them may reach the agent.
import { readFileSync } from 'node:fs';
import { readVaultDocument, vaultBytes } from '../helpers/vault-file.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { WITHHELD_NOTICE } from '../../src/redact/wall.js';

const USED_OLD = 'old-Version+Of/The=Used-Key-7Hq2Lw9Zp';
const USED_NOW = 'now-Version+Of/The=Used-Key-3Rt5Yu8Io';
const USED_PROD = 'prod-Only+Value/Never=Here-Kd4Mn6Bv1';
const OTHER = 'other-Secret&Same<Stub>-Xc0Vb9Nm8Qw';
const LATER = 'added-Later-By-Another-Process-Pl5Ok3';
const KNOWN = [USED_OLD, USED_PROD, OTHER, LATER];
const FORMS = ['raw', 'html-dec', 'html-hex', 'json-u', 'base64-76', 'pct2', 'upper', 'qp', 'base32', 'base32-lower', 'java-props'];

let t: TempHome;
let api: Stub;
let session: StdioSession;

beforeAll(async () => {
  api = await startStub({ known: KNOWN });
  t = tempHome();
  await setSecret(t, 'USED', USED_OLD, '--host', api.origin);
  await setSecret(t, 'USED', USED_NOW, '--host', api.origin);
  await setSecret(t, 'USED', USED_PROD, '--env', 'production', '--host', api.origin);
  await setSecret(t, 'OTHER', OTHER, '--host', api.origin);
  session = await connectStdio(t.env);
});

afterAll(async () => {
  await session?.close();
  await api?.close();
  const stderr = session?.stderr() ?? '';
  for (const v of [...KNOWN, USED_NOW]) expect(stderr.includes(v)).toBe(false);
  t?.cleanup();
});

const reflect = (i: number, as: string, extra = '') =>
  session.call('http_request', { method: 'GET', url: `${api.url}/reflect-known?i=${i}&as=${as}${extra}`, headers: { 'X-Api-Key': '<secrets.USED>' } });

const cases: Array<[string, number, string]> = [
  ['an older version of the used secret', 0, 'USED'],
  ['the used secret in another environment', 1, 'USED'],
  ['another secret bound to the same stub, never resolved', 2, 'OTHER'],
];

describe('values this server process never resolved are redacted', () => {
  for (const [what, i, name] of cases) {
    for (const as of FORMS) {
      it(`${what}, reflected as ${as}`, async () => {
        const r = await reflect(i, as);
        expect(r.isError, visible(r)).toBeFalsy();
        // The stub really got the current value (the request worked) and reflected the other one.
        expect(api.requests.at(-1)!.headers['x-api-key']).toBe(USED_NOW);
        const seen = visible(r);
        expect(survivingWindow(seen, KNOWN[i]!), `${what} as ${as}: ${seen.slice(0, 400)}`).toBeNull();
        expect((r.structuredContent as { redacted: string[] }).redacted).toContain(name);
      });
    }
  }

  it('a secret another process adds while the server runs is redacted from the next call on', async () => {
    await setSecret(t, 'LATER', LATER, '--host', 'https://elsewhere.example');
    for (const as of ['raw', 'html-hex', 'base64-76']) {
      const r = await reflect(3, as);
      expect(survivingWindow(visible(r), LATER), as).toBeNull();
      expect((r.structuredContent as { redacted: string[] }).redacted).toContain('LATER');
    }
  });
});

describe('pieces of values (issue 18: a piece is what a guess looks like)', () => {
  it('a piece of a secret placed in the exchange (its older version, cut) withholds the whole answer, headers included', async () => {
    for (const as of ['cut-first', 'cut-last']) {
      const r = await reflect(0, as, '&hdr=1');
      expect(r.isError, visible(r)).toBeFalsy();
      const out = r.structuredContent as { body?: string; withheld?: boolean; headers: Record<string, string> };
      expect(out.withheld).toBe(true);
      expect(out.body).toBe(WITHHELD_NOTICE);
      expect(out.headers['x-known']).toBeUndefined();
      expect(survivingWindow(visible(r), USED_OLD)).toBeNull();
    }
  });

  it('a piece of a secret not placed in the exchange trips the wire: refused, and the principal suspended', async () => {
    const r = await reflect(2, 'cut-first');
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('REQUEST_REFUSED');
    expect(survivingWindow(visible(r), OTHER)).toBeNull();
    const next = await reflect(0, 'raw');
    expect(visible(next)).toContain('PRINCIPAL_SUSPENDED');
  });
});

describe('stored fingerprints (SPEC §7)', () => {
  it('every value written, by the CLI too, carries its sealed window fingerprints, so no server decrypts to index it', () => {
    const VIA_CLI = 'spawned-Cli-Value+Kj7Hg2Fd9Sa4';
    const r = runCli(['set', 'VIA_CLI', '--host', 'https://cli.example'], { env: t.env, input: VIA_CLI });
    expect(r.code, r.stderr).toBe(0);
    const text = vaultBytes(join(t.home, 'vault.json'));
    const doc = readVaultDocument(join(t.home, 'vault.json')) as { secrets: Record<string, { values: Record<string, { fp?: { sealed: string } }>; history: Array<{ values: Record<string, { fp?: { sealed: string } }> }> }> };
    let stored = 0;
    for (const [name, secret] of Object.entries(doc.secrets)) {
      for (const values of [secret.values, ...secret.history.map((h) => h.values)]) {
        for (const [env, value] of Object.entries(values)) {
          expect(value.fp?.sealed, `${name} ${env}`).toMatch(/^[A-Za-z0-9+/]+=*$/);
          stored++;
        }
      }
    }
    expect(stored).toBeGreaterThanOrEqual(6);
    for (const v of [...KNOWN, USED_NOW, VIA_CLI]) expect(survivingWindow(text, v)).toBeNull();
  });
});

