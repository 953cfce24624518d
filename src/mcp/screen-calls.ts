/**
 * Every `tools/call` screened as the agent sent it, before the SDK reads it. McpServer looks the
 * tool up by its name and parses the arguments with the tool's schema before a tool's handler runs:
 * an unknown name or a failing key is echoed in its error, and keys the schema strips (or a
 * `__proto__`) are dropped, so a guess written there never reached the tripwire (red team 11).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Blindfold } from '../open.js';
import { toolError } from './results.js';

export type RawHandler = (request: { params?: unknown }, extra: unknown) => Promise<unknown>;

/** Puts `wrap` in front of the SDK's own handler of a tools method (`tools/call`, `tools/list`). */
export function wrapToolsHandler(server: McpServer, method: 'tools/call' | 'tools/list', wrap: (inner: RawHandler) => RawHandler): void {
  // The SDK sets its tools handlers with the first tool; a server whose tools all come later (task
  // tools, loaded after it starts) has them set now, so that there is a handler to put in front of.
  (server as unknown as { setToolRequestHandlers?: () => void }).setToolRequestHandlers?.();
  // The SDK keeps its request handlers in a map of the protocol object; a release that keeps them
  // elsewhere stops the server here (fail closed) instead of serving what the wall never saw.
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, RawHandler> })._requestHandlers;
  const inner = handlers instanceof Map ? handlers.get(method) : undefined;
  if (!handlers || !inner) throw new Error(`the MCP SDK keeps its ${method} handler where Blindfold cannot put the wall before it`);
  handlers.set(method, wrap(inner));
}

export function screenCallsAsSent(server: McpServer, blindfold: Blindfold): void {
  wrapToolsHandler(server, 'tools/call', (inner) => async (request, extra) => {
    try {
      await blindfold.screenAgentInput(request.params ?? null);
    } catch (err) {
      return toolError(err);
    }
    return inner(request, extra);
  });
}
