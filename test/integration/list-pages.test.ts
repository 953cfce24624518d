// Issue 22: `list_secrets` has a limit and pages (a model cannot use 100,000 names). Over the real
// MCP client (in memory) and through a runtime plugin's tool: pages by name after the previous page's
// last name, `total` counts what matches in the caller's scope only, a secret added between two
// calls neither repeats nor shifts the rest, and a cursor this server did not give is refused.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { createServer } from '../../src/mcp/server.js';
import { openBlindfold, type Blindfold } from '../../src/open.js';
import { pluginTools } from '../../src/plugins/tools.js';
import { Vault } from '../../src/vault/vault.js';
import { visible } from '../helpers/mcp.js';

const COUNT = 250;
const name = (i: number) => `PAGE_${String(i).padStart(3, '0')}_KEY`;

let root = '';
let home = '';
let core: Blindfold;
let client: Client;

interface Listed {
  secrets: Array<{ name: string }>;
  total: number;
  nextCursor?: string;
}

async function list(args: Record<string, unknown>): Promise<Listed & { text: string; isError: boolean }> {
  const r = (await client.callTool({ name: 'list_secrets', arguments: args })) as CallToolResult;
  return { ...(r.structuredContent as unknown as Listed), text: visible(r), isError: r.isError === true };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'blindfold-list-pages-'));
  home = join(root, 'bf');
  process.env.BLINDFOLD_MASTER_KEY = randomBytes(32).toString('base64');
  const vault = await Vault.open({ paths: resolvePaths({ home }, {}), create: true });
  vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
  await vault.setMany([
    ...Array.from({ length: COUNT }, (_, i) => ({ name: name(i), value: `pv-${randomBytes(12).toString('hex')}`, hosts: ['https://api.example.com'] })),
    { name: 'OTHER_KEY', value: `ov-${randomBytes(12).toString('hex')}`, hosts: ['https://api.example.com'] },
  ]);
  core = await openBlindfold({ home, principal: 'root' });
  const [c, s] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'pages', version: '1.0.0' });
  await createServer(core.as({ principal: 'pager', secrets: ['PAGE_*'] })).connect(s);
  await client.connect(c);
});

afterAll(async () => {
  await client?.close();
  await core?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('list_secrets pages', () => {
  it('gives 100 by default, then every page after the last name, with the total of the scope only', async () => {
    const seen: string[] = [];
    let page = await list({});
    expect(page.secrets).toHaveLength(100);
    expect(page.total).toBe(COUNT); // OTHER_KEY is outside the scope: not counted
    expect(page.text).toContain(`100 of ${COUNT} secret(s)`);
    expect(page.text).toContain(page.nextCursor);
    seen.push(...page.secrets.map((s) => s.name));
    for (let pages = 1; page.nextCursor && pages < 10; pages++) {
      page = await list({ cursor: page.nextCursor });
      seen.push(...page.secrets.map((s) => s.name));
    }
    expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => name(i)));
    expect(page.nextCursor).toBeUndefined();
  });

  it('a limit sizes the page; the filter pages too', async () => {
    const first = await list({ limit: 7 });
    expect(first.secrets.map((s) => s.name)).toEqual(Array.from({ length: 7 }, (_, i) => name(i)));
    const filtered = await list({ filter: 'page_24', limit: 5 });
    expect(filtered.total).toBe(10);
    expect(filtered.secrets.map((s) => s.name)).toEqual(['PAGE_240_KEY', 'PAGE_241_KEY', 'PAGE_242_KEY', 'PAGE_243_KEY', 'PAGE_244_KEY']);
    const rest = await list({ filter: 'page_24', limit: 5, cursor: filtered.nextCursor });
    expect(rest.secrets.map((s) => s.name)).toEqual(['PAGE_245_KEY', 'PAGE_246_KEY', 'PAGE_247_KEY', 'PAGE_248_KEY', 'PAGE_249_KEY']);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('a secret added before the cursor neither repeats nor shifts the next page', async () => {
    const first = await list({ limit: 10 });
    await core.admin.set({ name: 'PAGE_000A_KEY', value: `pv-${randomBytes(12).toString('hex')}`, hosts: ['https://api.example.com'] });
    const second = await list({ limit: 10, cursor: first.nextCursor });
    expect(second.secrets[0]?.name).toBe(name(10));
    expect(second.total).toBe(COUNT + 1);
    await core.admin.remove('PAGE_000A_KEY', { force: true });
  });

  it('refuses a cursor it did not give and a limit out of range, never starting over silently', async () => {
    for (const cursor of ['not a cursor', Buffer.from('../etc', 'utf8').toString('base64url'), 'UEFHRV8wMDlfS0VZ=']) {
      const r = await list({ cursor });
      expect(r.isError).toBe(true);
      expect(r.text).toContain('not a cursor list_secrets gave');
    }
    for (const limit of [0, 501, 2.5]) expect((await list({ limit })).isError).toBe(true);
  });

  it('the runtime plugins page the same way', async () => {
    const tool = pluginTools(core.as({ principal: 'plugin', secrets: ['PAGE_*'] })).find((t) => t.definition.name === 'list_secrets')!;
    const page = (await tool.call({ limit: 3 })) as unknown as Listed;
    expect(page.secrets.map((s) => s.name)).toEqual([name(0), name(1), name(2)]);
    expect(page.total).toBe(COUNT);
    const next = (await tool.call({ limit: 3, cursor: page.nextCursor })) as unknown as Listed;
    expect(next.secrets[0]?.name).toBe(name(3));
  });
});
