// The protocol floor for B1/B2: a bare SDK server whose one tool just fetches a URL with undici.
// Whatever Blindfold adds beyond this is its own cost (policy, decryption, redaction, guard).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { request } from 'undici';
import { z } from 'zod';

const server = new McpServer({ name: 'bare-fetch', version: '1.0.0' });
server.registerTool('fetch', { inputSchema: { url: z.string(), headers: z.record(z.string(), z.string()).optional() } }, async ({ url, headers }) => {
  const res = await request(url, { headers });
  const text = await res.body.text();
  return { content: [{ type: 'text', text }] };
});
await server.connect(new StdioServerTransport());
