// A sealed vault (the wrong key) no longer kills the stdio server before the client can see why
// (issue 20 item 2): it answers initialize and tools/list, and every call returns VAULT_SEALED with
// the fix, which clients that hide stderr then show.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';

let t: TempHome;
let session: StdioSession;
beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  session = await connectStdio({ ...t.env, BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') });
});
afterAll(async () => {
  await session.close();
  t.cleanup();
});

describe('serve over a sealed vault', () => {
  it('starts and lists its tools', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['http_request', 'list_secrets']);
  });

  it('answers every call with VAULT_SEALED and the fix', async () => {
    for (const [name, args] of [['list_secrets', {}], ['http_request', { method: 'GET', url: 'https://api.example.com/' }]] as const) {
      const r = await session.call(name, args);
      expect(r.isError).toBe(true);
      expect(visible(r)).toContain('VAULT_SEALED');
      expect(visible(r)).toMatch(/is not the key this vault was made with/);
    }
    expect(session.stderr()).toContain('VAULT_SEALED');
  });
});
