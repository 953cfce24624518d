// `serve --env production` with secrets that have no value there warns the admin (banner, stderr)
// and the agent (list_secrets) instead of failing each call silently (issue 20 item 2).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { seedVault } from '../helpers/inprocess.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';

let t: TempHome;
let session: StdioSession;
beforeAll(async () => {
  t = tempHome();
  await seedVault(t.env, [
    { name: 'DEV_ONLY', value: 'dev-only-value-Hq3Zk8Wm2Rt5', hosts: ['api.example.com'] },
    { name: 'EVERYWHERE', value: 'default-value-Lp4Xn7Vb1Qs9', hosts: ['api.example.com'], env: 'default' },
  ]);
  session = await connectStdio(t.env, ['--env', 'production']);
});
afterAll(async () => {
  await session.close();
  t.cleanup();
});

describe('serve --env production, where a secret has no value', () => {
  it('warns the admin on stderr, after start', async () => {
    for (let i = 0; i < 50 && !session.stderr().includes('warning:'); i++) await sleep(100);
    expect(session.stderr()).toContain('warning: 1 of 2 secret(s) have no value for environment production');
  });

  it('tells the agent in list_secrets which ones', async () => {
    const r = await session.call('list_secrets', {});
    const structured = r.structuredContent as { warning?: string; environment: string };
    expect(structured.environment).toBe('production');
    expect(structured.warning).toMatch(/1 of these secret\(s\) have no value in production/);
    expect(JSON.stringify(r.content)).toContain('DEV_ONLY: (no description)');
    expect(JSON.stringify(r.content)).toMatch(/DEV_ONLY[^\\]*\(no value in production\)/);
    expect(JSON.stringify(r.content)).not.toMatch(/EVERYWHERE[^\\]*\(no value in production\)/);
  });
});
