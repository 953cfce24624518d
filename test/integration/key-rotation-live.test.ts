// A server started before `rotate-key` keeps serving: it notices the vault's new key id and loads
// the new key from where its own came from. A key it cannot re-read (an inline variable) makes
// calls fail with VAULT_KEY_ROTATED, saying what to restart with.
import { randomBytes } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = 'rotate-live-Qw8Er4Ty6Ui2Op0As';
let stub: Stub;
const homes: TempHome[] = [];
const sessions: StdioSession[] = [];

beforeAll(async () => {
  stub = await startStub();
});
afterAll(async () => {
  for (const s of sessions) {
    await s.close();
    expectNoTrace(s.stderr(), [VALUE]);
  }
  await stub.close();
  for (const h of homes) h.cleanup();
});

async function home(extra: NodeJS.ProcessEnv = {}): Promise<TempHome> {
  const t = tempHome(extra);
  homes.push(t);
  await seedSecret(t.env, 'ROT_KEY', VALUE, '--host', stub.origin);
  return t;
}

async function serve(env: NodeJS.ProcessEnv): Promise<StdioSession> {
  const s = await connectStdio(env);
  sessions.push(s);
  return s;
}

async function callOk(s: StdioSession): Promise<void> {
  stub.reset();
  const r = await s.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.ROT_KEY>' } });
  expect(r.isError, visible(r)).toBeFalsy();
  expect((r.structuredContent as { redacted: string[] }).redacted).toEqual(['ROT_KEY']);
  expect(stub.requests.map((q) => q.headers.authorization)).toEqual([`Bearer ${VALUE}`]);
}

function rotate(env: NodeJS.ProcessEnv, ...args: string[]): void {
  const r = runCli(['rotate-key', ...args], { env });
  expect(r.code, r.stderr).toBe(0);
}

describe('a running server across rotate-key', () => {
  it('with the home key file: keeps serving after one rotation and after another', async () => {
    const t = await home();
    const s = await serve(t.env);
    await callOk(s);
    rotate(t.env);
    await callOk(s);
    rotate(t.env);
    await callOk(s);
  });

  it('with BLINDFOLD_MASTER_KEY_FILE: follows the file once the admin puts the new key in it', async () => {
    const keyFile = join(homes[0]!.home, '..', 'env.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const t = await home({ BLINDFOLD_MASTER_KEY_FILE: keyFile });
    const s = await serve(t.env);
    await callOk(s);
    const newKey = join(t.home, '..', 'new.key');
    rotate(t.env, '--new-key-file', newKey);
    const refused = await s.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.ROT_KEY>' } });
    expect(refused.isError).toBe(true);
    expect(visible(refused)).toContain('VAULT_KEY_ROTATED');
    expect(visible(refused)).toContain(keyFile);
    copyFileSync(newKey, keyFile);
    await callOk(s);
  });

  it('with BLINDFOLD_MASTER_KEY inline: refuses with VAULT_KEY_ROTATED saying what to restart with, and sends nothing', async () => {
    const t = await home({ BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') });
    const s = await serve(t.env);
    await callOk(s);
    const newKey = join(t.home, '..', 'new-inline.key');
    rotate(t.env, '--new-key-file', newKey);
    stub.reset();
    const r = await s.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.ROT_KEY>' } });
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain('VAULT_KEY_ROTATED');
    expect(visible(r)).toContain('restart it with BLINDFOLD_MASTER_KEY');
    expect(stub.requests).toHaveLength(0);
    const restarted = await serve({ ...t.env, BLINDFOLD_MASTER_KEY: undefined, BLINDFOLD_MASTER_KEY_FILE: newKey });
    await callOk(restarted);
  });
});
