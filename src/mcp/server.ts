import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Broker, Principal } from '../broker.js';
import { VERSION } from '../version.js';
import { registerHttpRequest } from './tools/http-request.js';
import { registerListSecrets } from './tools/list-secrets.js';

export interface CreateServerOptions {
  broker: Broker;
  principal: Principal;
}

/**
 * One McpServer per connection (stdio has one; the HTTP transport makes one per session), all
 * sharing the broker. Tools are thin: parse input, call the broker, shape the result.
 */
export function createServer({ broker, principal }: CreateServerOptions): McpServer {
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
  return server;
}
