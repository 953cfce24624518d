// The protocol floor for B2/B6 over Streamable HTTP: a bare SDK server whose one tool just fetches a
// URL with undici, on node:http like `blindfold serve --http`, with no token, policy or redaction.
//   stateful:  one McpServer and transport per session (Mcp-Session-Id), as the SDK's
//              simpleStreamableHttp example does: the baseline of many calls on one session.
//   stateless: a new McpServer and transport for every request, as the SDK's
//              simpleStatelessStreamableHttp example does: the baseline of many sessions.
// Prints `bare MCP server on http://127.0.0.1:PORT/mcp` on stderr once it listens.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { request } from 'undici';
import { z } from 'zod';

const mode = process.argv[2] ?? 'stateful';

function fetchServer() {
  const server = new McpServer({ name: 'bare-fetch', version: '1.0.0' });
  server.registerTool('fetch', { inputSchema: { url: z.string(), headers: z.record(z.string(), z.string()).optional() } }, async ({ url, headers }) => {
    const res = await request(url, { headers });
    const text = await res.body.text();
    return { content: [{ type: 'text', text }] };
  });
  return server;
}

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const transports = new Map();

async function stateful(req, res) {
  const id = req.headers['mcp-session-id'];
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  if (typeof id === 'string' && transports.has(id)) return transports.get(id).handleRequest(req, res, body);
  if (id === undefined && req.method === 'POST' && isInitializeRequest(body)) {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => transports.set(sid, transport) });
    transport.onclose = () => transports.delete(transport.sessionId);
    await fetchServer().connect(transport);
    return transport.handleRequest(req, res, body);
  }
  res.writeHead(400, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","error":{"code":-32000,"message":"bad request"},"id":null}');
}

async function stateless(req, res) {
  if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST' }).end();
  const server = fetchServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, await readJson(req));
}

const handle = mode === 'stateless' ? stateless : stateful;
const http = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500).end();
  });
});
http.listen(0, '127.0.0.1', () => process.stderr.write(`bare MCP server on http://127.0.0.1:${http.address().port}/mcp\n`));
process.once('SIGTERM', () => {
  http.closeAllConnections();
  http.close(() => process.exit(0));
});
