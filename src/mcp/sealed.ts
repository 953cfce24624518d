/**
 * The stdio server of a vault that cannot be opened — sealed: no key, or the wrong one (issue 20
 * item 2). Exiting at once would leave the client with a dead server and the reason on a stderr
 * most clients hide; instead it starts, answers `initialize` and `tools/list`, and every tool call
 * returns VAULT_SEALED with the fix, until the client goes away. No secret is read or named: the
 * vault was never opened.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describeError, type BlindfoldError } from '../errors.js';
import { VERSION } from '../version.js';
import { toolDefinitions } from './definitions.js';
import { toolError } from './results.js';
import { GuardedStdioTransport, type StdioTransportOptions } from './stdio.js';

export async function serveSealed(reason: BlindfoldError, options: StdioTransportOptions = {}): Promise<void> {
  const server = new McpServer(
    { name: 'blindfold', version: VERSION, title: 'Blindfold' },
    { capabilities: { tools: {} }, instructions: `Blindfold cannot open its vault, so every tool call fails until an admin fixes it: ${describeError(reason)}` },
  );
  const refuse = async () => toolError(reason);
  const { name: listName, ...listSecrets } = toolDefinitions.list_secrets;
  const { name: requestName, ...httpRequest } = toolDefinitions.http_request;
  server.registerTool(listName, listSecrets, refuse);
  server.registerTool(requestName, httpRequest, refuse);
  const transport = new GuardedStdioTransport(process.stdin, process.stdout, options);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
}
