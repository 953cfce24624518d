// Compiled (never run) by claude-agent-sdk.test.ts: the adapter's result, as its published
// declarations describe it, must be what the Agent SDK's `options.mcpServers` takes, by the
// Agent SDK's own types.
import type { McpSdkServerConfigWithInstance, McpServerConfig } from '@anthropic-ai/claude-agent-sdk';
import type { Blindfold } from 'blindfold-mcp';
import { blindfoldMcpServer } from 'blindfold-mcp/claude-agent-sdk';

export function serverFor(blindfold: Blindfold): McpSdkServerConfigWithInstance {
  return blindfoldMcpServer(blindfold, { expose: ['tasks'] });
}

export const mcpServers = (blindfold: Blindfold): Record<string, McpServerConfig> => ({ blindfold: blindfoldMcpServer(blindfold) });
