/**
 * `blindfold-mcp/claude-agent-sdk`: Blindfold as an in-process MCP server for the Claude Agent SDK
 * (`query({ options: { mcpServers: { blindfold: blindfoldMcpServer(handle) } } })`). It is the
 * same server `blindfold serve` runs (createServer), so tools, results and refusals are the MCP
 * server's own; only the type of the Agent SDK is used here, so importing this loads no runtime.
 */
import type { McpSdkServerConfigWithInstance } from '@anthropic-ai/claude-agent-sdk';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createServer } from '../mcp/server.js';
import type { Blindfold } from '../open.js';
import { TOOL_GROUPS, pluginTools, type PluginOptions } from './tools.js';

export type { PluginOptions } from './tools.js';

export interface BlindfoldMcpServerOptions extends PluginOptions {
  /** The key under `mcpServers`; Claude names the tools `mcp__<name>__<tool>`. Default `blindfold`. */
  name?: string;
}

/** The `{ type: 'sdk', name, instance }` entry for the Agent SDK's `options.mcpServers`. */
export function blindfoldMcpServer(blindfold: Blindfold, options: BlindfoldMcpServerOptions = {}): McpSdkServerConfigWithInstance {
  const instance = createServer(blindfold);
  withoutHidden(instance, blindfold, options);
  return { type: 'sdk', name: options.name ?? 'blindfold', instance };
}

/**
 * createServer registers every tool; the ones `expose` leaves out are removed before anything can
 * connect. McpServer keeps its registrations private, so they are reached by the field's name;
 * a server whose field moved fails closed (throws) rather than exposing a tool it was told to hide.
 */
function withoutHidden(server: McpServer, blindfold: Blindfold, options: PluginOptions): void {
  const expose = options.expose;
  if (!expose || TOOL_GROUPS.every((group) => expose.includes(group))) return;
  const registered = (server as unknown as { _registeredTools?: Record<string, { remove(): void }> })._registeredTools;
  if (!registered) throw new Error("blindfold-mcp/claude-agent-sdk: cannot narrow this MCP SDK version's tools; omit `expose` or filter with allowedTools");
  const prune = () => {
    const keep = new Set(pluginTools(blindfold, options).map((t) => t.definition.name));
    for (const [name, tool] of Object.entries(registered)) if (!keep.has(name)) tool.remove();
  };
  prune();
  // createServer re-registers task tools when the tasks change; this listener runs after its own.
  if (!expose.includes('tasks')) {
    const stop = blindfold.onTasksChanged(prune);
    const previous = server.server.onclose;
    server.server.onclose = () => {
      stop();
      previous?.();
    };
  }
}
