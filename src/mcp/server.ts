import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Broker, Principal } from '../broker.js';
import { VERSION } from '../version.js';
import { registerHttpRequest } from './tools/http-request.js';
import { registerListSecrets } from './tools/list-secrets.js';
import { registerTasks } from './tools/tasks.js';
import type { TaskRegistry } from '../tasks/registry.js';

export interface CreateServerOptions {
  broker: Broker;
  principal: Principal;
  /** Task files served as tools of their own; the tool list follows the folder. */
  tasks?: TaskRegistry;
}

/**
 * One McpServer per connection (stdio has one; the HTTP transport makes one per session), all
 * sharing the broker. Tools are thin: parse input, call the broker, shape the result.
 */
export function createServer({ broker, principal, tasks }: CreateServerOptions): McpServer {
  const server = new McpServer(
    { name: 'blindfold', version: VERSION, title: 'Blindfold' },
    {
      capabilities: { tools: { listChanged: true }, logging: {} },
      instructions:
        'Blindfold lets you call HTTP APIs with credentials you never see. Call list_secrets for the names you may use, ' +
        'then http_request with <secrets.NAME> where the credential goes. Values are filled in server-side, sent only to ' +
        'the hosts each secret is bound to, and scrubbed from responses.',
    },
  );
  const ctx = { broker, principal };
  registerListSecrets(server, ctx);
  registerHttpRequest(server, ctx);
  if (tasks) {
    const stop = registerTasks(server, ctx, tasks);
    server.server.onclose = () => stop();
  }
  return server;
}
