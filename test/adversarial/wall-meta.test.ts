// Issue 18: the no-oracle mechanism has a test-only switch (a constructor option of the broker, never
// env or config), and this meta-test turns it off and sees the family fail: with the judgement of
// pieces off, what the agent sees of a right guess depends on where its text sat (the notice lands
// exactly where the guess was echoed), while with it on, the view is one fixed notice or a refusal.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker.js';
import { resolvePaths } from '../../src/config.js';
import { pinnedResolver } from '../../src/egress/connector.js';
import { SuspensionList } from '../../src/policy/suspensions.js';
import { WITHHELD_NOTICE } from '../../src/redact/wall.js';
import { Vault } from '../../src/vault/vault.js';

// Fixed: a join view reads 'guess after' as 'guessafter', and a key whose next character were 'a' would take it.
const KEY = 'meta-Qz7Xv2Lp9Rt4Mn8Bc3Hd6W';
let root: string;
let server: Server;
let origin = '';
let vault: Vault;

beforeAll(async () => {
  server = createServer((req, res) => {
    const s = new URL(req.url ?? '/', 'http://x').searchParams.get('s') ?? '';
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`before ${[...s].reverse().join('')} after`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://api.meta.test:${(server.address() as { port: number }).port}`;
  root = mkdtempSync(join(tmpdir(), 'blindfold-meta-'));
  vault = await Vault.open({ paths: resolvePaths({ home: join(root, 'bf') }, {}), env: { BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') }, create: true });
  vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
  await vault.set({ name: 'KEY', value: KEY, hosts: [origin], placements: ['header'] });
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

/** What the agent sees of one reversed-echo call (a body, or the error it got). */
async function view(unsafeShowPieces: boolean, guess: string, placed: boolean): Promise<string> {
  const broker = new Broker({ vault, resolver: pinnedResolver(['api.meta.test=127.0.0.1']), suspensions: SuspensionList.inMemory(), unsafeShowPieces });
  try {
    const r = await broker.httpRequest({ id: 'meta', env: 'development' }, { method: 'GET', url: `${origin}/`, query: { s: [...guess].reverse().join('') }, ...(placed ? { headers: { 'X-Key': '<secrets.KEY>' } } : {}) });
    return r.body ?? '';
  } catch (err) {
    return `error ${(err as { code?: string }).code}`;
  } finally {
    await broker.close();
  }
}

describe('meta: the no-oracle judgement can fail its test', () => {
  const right = KEY.slice(0, 16);

  it('on: a right guess is one fixed notice (placed) or a refusal (not placed), whatever surrounded it', async () => {
    expect(await view(false, right, true)).toBe(WITHHELD_NOTICE);
    expect(await view(false, right, false)).toBe('error REQUEST_REFUSED');
    expect(await view(false, 'meta-wrongguess00', false)).toBe('before meta-wrongguess00 after');
  });

  it('off: the view shows where the guess sat (the family fails without the mechanism)', async () => {
    const seen = await view(true, right, false);
    expect(seen).toBe(`before ${WITHHELD_NOTICE} after`);
    expect(seen).not.toBe(await view(true, 'meta-wrongguess00', false));
  });
});
