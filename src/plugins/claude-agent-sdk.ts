/**
 * `blindfold-mcp/claude-agent-sdk`: Blindfold as an in-process MCP server for the Claude Agent SDK
 * (`query({ options: { mcpServers: { blindfold: blindfoldMcpServer(handle) } } })`). It is the
 * same server `blindfold serve` runs (createServer), so tools, results and refusals are the MCP
 * server's own; only the type of the Agent SDK is used here, so importing this loads no runtime.
 */
import type { McpSdkServerConfigWithInstance } from '@anthropic-ai/claude-agent-sdk';
import { createServer } from '../mcp/server.js';
import type { Blindfold } from '../open.js';
import type { PluginOptions } from './tools.js';

export type { PluginOptions } from './tools.js';

export interface BlindfoldMcpServerOptions extends PluginOptions {
  /** The key under `mcpServers`; Claude names the tools `mcp__<name>__<tool>`. Default `blindfold`. */
  name?: string;
}

/** The `{ type: 'sdk', name, instance }` entry for the Agent SDK's `options.mcpServers`. */
export function blindfoldMcpServer(blindfold: Blindfold, options: BlindfoldMcpServerOptions = {}): McpSdkServerConfigWithInstance {
  // As in every adapter: no request_secret (an agent runtime has no admin page to send a human to).
  const instance = createServer(blindfold, { expose: options.expose ?? ['list_secrets', 'http_request', 'tasks'] });
  return { type: 'sdk', name: options.name ?? 'blindfold', instance };
}
