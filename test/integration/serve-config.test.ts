// `serve` prints the exact client entry that starts this same server, with the env block a client
// needs when the home is not the default (clients pass servers a minimal environment); and it
// refuses an --allow-origin that is not an origin, before anything starts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio } from '../helpers/mcp.js';

let t: TempHome;
beforeAll(async () => {
  t = tempHome();
  await seedSecret(t.env, 'BANNER_KEY', 'banner-value-1234567890', '--host', 'api.example.com');
});
afterAll(() => t.cleanup());

describe('serve banner', () => {
  it('shows an entry with the env block for a non-default home, and that entry alone opens the same vault', async () => {
    const session = await connectStdio({ ...t.env, BLINDFOLD_ENV: 'staging' });
    await session.client.listTools();
    const banner = session.stderr();
    await session.close();
    const line = banner.split('\n').find((l) => l.includes('connect a client with this server entry'));
    expect(line, banner).toBeDefined();
    const entry = JSON.parse(line!.slice(line!.indexOf('{'))) as { command: string; args: string[]; env?: Record<string, string> };
    expect(entry.env).toEqual({ BLINDFOLD_HOME: t.home, BLINDFOLD_ENV: 'staging' });

    // What a client does: start exactly that, with nothing else from this shell.
    const elsewhere = mkdtempSync(join(tmpdir(), 'blindfold-client-'));
    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { PATH: process.env.PATH ?? '', HOME: elsewhere, ...entry.env },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'banner-test', version: '1.0.0' });
    try {
      await client.connect(transport);
      const listed = await client.callTool({ name: 'list_secrets', arguments: {} });
      expect(JSON.stringify(listed.structuredContent)).toContain('BANNER_KEY');
    } finally {
      await client.close();
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });


  it('names BLINDFOLD_MASTER_KEY in the entry but never prints the key', async () => {
    const key = randomBytes(32).toString('base64');
    const keyed = tempHome({ BLINDFOLD_MASTER_KEY: key });
    try {
      expect(runCli(['init'], { env: keyed.env }).code).toBe(0);
      const session = await connectStdio(keyed.env);
      await session.client.listTools();
      const banner = session.stderr();
      await session.close();
      expect(banner).toContain('"BLINDFOLD_MASTER_KEY":"<your key');
      expect(banner).not.toContain(key);
    } finally {
      keyed.cleanup();
    }
  });
});

describe('serve --allow-origin', () => {
  for (const [label, origin] of [
    ['no scheme', '10.9.8.7:9000'],
    ['a path', 'http://127.0.0.1:8080/admin'],
    ['a query', 'http://127.0.0.1:8080?x=1'],
    ['userinfo', 'http://user:secret-ish@127.0.0.1:8080'],
    ['another scheme', 'ftp://127.0.0.1'],
  ] as const) {
    it(`refuses ${label} with exit 2, saying what an origin is, without repeating it`, () => {
      const r = runCli(['serve', '--allow-origin', origin], { env: t.env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('--allow-origin expects an origin such as http://127.0.0.1:8080');
      expect(r.stderr).not.toContain(origin);
    });
  }
});
