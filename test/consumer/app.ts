// A program outside Blindfold's source that uses it the way an agent runtime would: by package
// name, through the exports map, type-checked against the emitted declarations. It prints one JSON
// line of what it saw; the test checks that line and what the stub received.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { BlindfoldError, openBlindfold, type ErrorCode, type HttpResult, type SecretListing } from 'blindfold-mcp';
import { createServer, toolDefinitions } from 'blindfold-mcp/mcp';

const origin = process.env.STUB_ORIGIN ?? '';
const blindfold = await openBlindfold({ principal: 'consumer-test' });

const listed: SecretListing[] = await blindfold.listSecrets();
const direct: HttpResult = await blindfold.httpRequest({
  method: 'GET',
  url: `${origin}/echo`,
  headers: { Authorization: 'Bearer <secrets.CONSUMER_KEY>' },
});

let refusal: ErrorCode | undefined;
try {
  await blindfold.httpRequest({ method: 'GET', url: 'https://elsewhere.example/', headers: { Authorization: 'Bearer <secrets.CONSUMER_KEY>' } });
} catch (err) {
  if (err instanceof BlindfoldError) refusal = err.code;
}

// The same handle as an MCP server, in process.
const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
const server = createServer(blindfold);
await server.connect(serverSide);
const client = new Client({ name: 'consumer', version: '1.0.0' });
await client.connect(clientSide);
const tools = (await client.listTools()).tools.map((t) => t.name);
const viaMcp = await client.callTool({
  name: toolDefinitions.http_request.name,
  arguments: { method: 'GET', url: `${origin}/echo`, headers: { 'X-Api-Key': '<secrets.CONSUMER_KEY>' } },
});
await client.close();
await server.close();
await blindfold.close();

process.stdout.write(
  `${JSON.stringify({
    principal: blindfold.principal.id,
    names: listed.map((s) => s.name),
    status: direct.status,
    body: direct.json ?? direct.body,
    redacted: direct.redacted,
    refusal,
    tools,
    mcp: viaMcp.structuredContent,
  })}\n`,
);
