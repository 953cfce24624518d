// Issue 21, precision "Token defaults": the key tokens are hashed with is stored wrapped by the
// master key and re-wrapped by rotate-key, so a key rotation breaks no token.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { openVaultOf } from '../helpers/inprocess.js';

let t: TempHome;
beforeEach(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
});
afterEach(() => t.cleanup());

it('a token created before rotate-key is still found after it; a made-up one is not', async () => {
  const created = runCli(['token', 'create', 'ci-bot', '--secrets', 'GITHUB_*'], { env: t.env });
  expect(created.code, created.stderr).toBe(0);
  const token = created.stdout.trim();
  const rotated = runCli(['rotate-key'], { env: t.env });
  expect(rotated.code, rotated.stderr).toBe(0);
  const vault = await openVaultOf(t.env);
  expect((await vault.tokens.lookup(token))?.name).toBe('ci-bot');
  const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
  expect(await vault.tokens.lookup(forged)).toBeUndefined();
});
