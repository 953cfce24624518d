/**
 * `blindfold-mcp/mcp`: the MCP server factory and the tool definitions it registers, for in-process
 * use (e.g. over the SDK's InMemoryTransport) and for runtime adapters that reuse the definitions.
 */
export { createServer, type CreateServerOptions } from './server.js';
export { toolDefinitions, taskToolDefinition, TOOL_GROUPS, type ToolDefinition, type ToolGroup } from './definitions.js';
export { GuardedStdioTransport, serveStdio } from './stdio.js';
