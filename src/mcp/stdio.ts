import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Broker, Principal } from '../broker.js';
import { createServer } from './server.js';
import type { TaskRegistry } from '../tasks/registry.js';

/** Serves one MCP session on stdin/stdout until the client goes away. */
export async function serveStdio(broker: Broker, principal: Principal, tasks?: TaskRegistry): Promise<void> {
  const server = createServer({ broker, principal, ...(tasks ? { tasks } : {}) });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
}
