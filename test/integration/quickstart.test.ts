// The README's quick start: `npm start` on a machine with no ~/.blindfold serves MCP on stdout.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

it('npm start with no ~/.blindfold creates the key and vault and answers initialize and tools/list', async () => {
  const home = mkdtempSync(join(tmpdir(), 'blindfold-quickstart-'));
  const transport = new StdioClientTransport({
    command: 'npm',
    args: ['start'], // exactly the README's command; npm's own header lines on stdout are skipped by the client
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: home },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const client = new Client({ name: 'quickstart-test', version: '1.0.0' });
  try {
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('blindfold');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_secrets', 'http_request']));
    const keyFile = join(home, '.blindfold', 'master.key');
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(stderr).toContain('created a new master key');
    expect(stderr).toMatch(/MCP server on stdio \| vault .*vault\.json \| environment development \| 0 secret/);
  } finally {
    await client.close();
    rmSync(home, { recursive: true, force: true });
  }
});
