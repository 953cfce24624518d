// A renamed secret keeps its usage history (issue 20 item 4: "rename … history kept"): uses under
// the old name count for the new one in `show`, `list --unused` and `rm`'s recent-use refusal,
// and a later secret that takes the old name starts with none.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';

let t: TempHome;
const cli = (args: string[], input?: string) => runCli(args, { env: t.env, input });
beforeEach(() => {
  t = tempHome();
  expect(cli(['init']).code).toBe(0);
});
afterEach(() => t.cleanup());

const usageOf = (name: string) => (JSON.parse(cli(['show', name, '--json']).stdout) as { secret: { useCount: number; lastUsedAt: string | null } }).secret;

it('uses before a rename count for the new name, not for a later secret of the old name', () => {
  expect(cli(['set', 'OLD_KEY', '--host', 'api.example.com'], 'sk_live_Rn4Qw8Zx2Lp6Vb9Tm3Hc7Jd').code).toBe(0);
  for (let i = 0; i < 2; i++) expect(cli(['exec', '-s', 'OLD_KEY', '--', 'true']).code).toBe(0);
  expect(usageOf('OLD_KEY').useCount).toBe(2);

  expect(cli(['rename', 'OLD_KEY', 'NEW_KEY']).code).toBe(0);
  expect(usageOf('NEW_KEY')).toMatchObject({ useCount: 2, lastUsedAt: expect.any(String) });
  const unused = JSON.parse(cli(['list', '--unused', '30d', '--json']).stdout) as { secrets: Array<{ name: string }> };
  expect(unused.secrets.map((s) => s.name)).not.toContain('NEW_KEY');
  const rm = cli(['rm', 'NEW_KEY']);
  expect(rm.code, rm.stderr).toBe(5);
  expect(rm.stderr).toMatch(/last used at \d{4}-/);

  expect(cli(['set', 'OLD_KEY', '--host', 'api.example.com'], 'sk_live_Bw5Kx1Np7Yt3Gv8Qs2Mf6Lz').code).toBe(0);
  expect(usageOf('OLD_KEY')).toMatchObject({ useCount: 0, lastUsedAt: null });
});
