// The Claude Agent SDK's loop needs the Claude Code binary and a model, so the server object the
// adapter returns is driven the way that loop drives it: the MCP SDK's real Client over
// InMemoryTransport. The "model" is scripted: it makes one call and answers with what came back.
import { execFileSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect, it } from 'vitest';
// The published entry, as the example uses it (one copy of the error classes).
import { openBlindfold } from 'blindfold-mcp';
// @ts-expect-error: plain ESM example without declarations (the file the README shows)
import { agentOptions } from '../../tools/examples/claude-agent-sdk.mjs';
import { answerWith, describeRuntime, type Driver } from './harness.js';

const drive: Driver = async (call, options) => {
  const blindfold = await openBlindfold({ ...options, principal: 'claude-agent-sdk-test' });
  const { mcpServers } = agentOptions(blindfold);
  const client = new Client({ name: 'claude-code-stand-in', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcpServers.blindfold.instance.connect(serverSide);
  await client.connect(clientSide);
  try {
    const { tools } = await client.listTools();
    const result = (await client.callTool({ name: call.name, arguments: call.args })) as CallToolResult;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    return {
      answer: answerWith(`${text}\n${JSON.stringify(result.structuredContent ?? {})}`),
      modelInputs: [tools, result],
      toolsSeen: tools.map((t) => ({ name: t.name, description: t.description, parameters: t.inputSchema })),
      trace: { tools, result },
    };
  } finally {
    await client.close();
    await blindfold.close();
  }
};

describeRuntime('Claude Agent SDK', 'claude-agent-sdk-test', drive);

it("type-checks the adapter's server against the Agent SDK's McpSdkServerConfigWithInstance", () => {
  // A compile step: tsc over a file that assigns the adapter's result to the Agent SDK's own type.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/plugins/types/tsconfig.json'], { stdio: 'pipe' });
  expect(true).toBe(true);
});
