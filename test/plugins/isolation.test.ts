// Runtimes are optional peers: importing the package or its MCP entry loads none, and an adapter
// loads its own runtime only. Also: `expose` narrows every adapter the same way.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold, type Blindfold } from 'blindfold-mcp';
import { blindfoldTools as aiSdkTools } from 'blindfold-mcp/ai-sdk';
import { blindfoldMcpServer } from 'blindfold-mcp/claude-agent-sdk';
import { blindfoldTools as langchainTools } from 'blindfold-mcp/langchain';
import { blindfoldTools as openaiAgentsTools } from 'blindfold-mcp/openai-agents';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { startWorld } from './harness.js';

const HOOKS = new URL('./no-runtime-hooks.mjs', import.meta.url).href;

function importWith(allowed: string, specifiers: string[]): void {
  const code = `import { register } from 'node:module'; register(${JSON.stringify(HOOKS)}); for (const s of ${JSON.stringify(specifiers)}) await import(s);`;
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, BLINDFOLD_ALLOWED_RUNTIME: allowed }, stdio: 'pipe' });
}

describe('runtime packages stay optional', () => {
  it('importing blindfold-mcp and blindfold-mcp/mcp loads no runtime', () => {
    importWith('none', ['blindfold-mcp', 'blindfold-mcp/mcp']);
  });

  it('each adapter loads its own runtime and no other', () => {
    importWith('ai', ['blindfold-mcp/ai-sdk']);
    importWith('langchain', ['blindfold-mcp/langchain']);
    importWith('openai-agents', ['blindfold-mcp/openai-agents']);
    importWith('claude-agent-sdk', ['blindfold-mcp/claude-agent-sdk']);
    // The hook does refuse: an adapter whose runtime is "missing" fails to import.
    expect(() => importWith('none', ['blindfold-mcp/ai-sdk'])).toThrow();
  });
});

describe('expose', () => {
  const world = startWorld('expose-test');
  let blindfold: Blindfold;
  beforeAll(async () => {
    blindfold = await openBlindfold(world.options);
  });
  afterAll(() => blindfold.close());

  it("['tasks'] gives every adapter the task tools and no raw http_request or list_secrets", async () => {
    const only = { expose: ['tasks'] as const };
    expect(Object.keys(aiSdkTools(blindfold, only))).toEqual(['get_repo']);
    expect(langchainTools(blindfold, only).map((t) => t.name)).toEqual(['get_repo']);
    expect(openaiAgentsTools(blindfold, only).map((t) => t.name)).toEqual(['get_repo']);
    const client = new Client({ name: 'expose', version: '1.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await blindfoldMcpServer(blindfold, only).instance.connect(serverSide);
    await client.connect(clientSide);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['get_repo']);
    world.stub.reset();
    const refused = await client.callTool({ name: 'http_request', arguments: { method: 'GET', url: `${world.stub.origin}/echo` } }).catch((err: Error) => ({ isError: true, content: [{ type: 'text', text: err.message }] }));
    expect(refused.isError).toBe(true);
    expect(world.stub.requests).toHaveLength(0);
    await client.close();
  });

  it('an unknown tool group is refused rather than ignored', () => {
    expect(() => aiSdkTools(blindfold, { expose: ['http'] as never })).toThrow(/expose/);
  });
});
