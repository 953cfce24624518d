import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { HTTP_METHODS } from '../../template/request.js';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, MAX_MAX_BYTES, MAX_TIMEOUT_MS } from '../../egress/client.js';
import type { ToolContext } from '../context.js';
import { preview, toolError } from '../results.js';

export const httpRequestInput = {
  method: z.enum(HTTP_METHODS).describe('HTTP method'),
  url: z
    .string()
    .max(8192)
    .describe('absolute http(s) URL; <secrets.NAME> may appear in the path or query (if the secret allows), never in the host'),
  headers: z.record(z.string(), z.string()).optional().describe('request headers; values may contain <secrets.NAME>'),
  query: z.record(z.string(), z.string()).optional().describe('query parameters added to the URL; values may contain <secrets.NAME>'),
  body: z.string().optional().describe('raw request body; may contain <secrets.NAME> if the secret allows body placement'),
  json: z.unknown().optional().describe('JSON request body (instead of body); string values may contain <secrets.NAME>'),
  timeoutMs: z.number().int().min(1).max(MAX_TIMEOUT_MS).optional().describe(`default ${DEFAULT_TIMEOUT_MS}`),
  maxBytes: z.number().int().min(1).max(MAX_MAX_BYTES).optional().describe(`response body cap, default ${DEFAULT_MAX_BYTES}`),
};

const httpRequestOutput = {
  status: z.number().int(),
  statusText: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
  json: z.unknown().optional(),
  binary: z.object({ contentType: z.string(), size: z.number().int(), sha256: z.string().optional() }).optional(),
  truncated: z.boolean(),
  redacted: z.array(z.string()).describe('secrets whose values (in any encoding) were scrubbed from this response'),
  durationMs: z.number(),
  redirects: z.number().int(),
  redirectNotFollowed: z.string().optional(),
};

export function registerHttpRequest(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'http_request',
    {
      title: 'HTTP request with secrets',
      description:
        'Make an HTTP request. Write <secrets.NAME> where a credential goes (e.g. header "Authorization": "Bearer <secrets.GITHUB_TOKEN>"); ' +
        'the server substitutes the value, sends it only to the hosts the secret is bound to, and removes it from the response. ' +
        'You never see the value. Call list_secrets for the names, hosts and allowed placements.',
      inputSchema: httpRequestInput,
      outputSchema: httpRequestOutput,
      annotations: { readOnlyHint: false, openWorldHint: true, destructiveHint: true, idempotentHint: false },
    },
    async (args) => {
      try {
        const result = await ctx.broker.httpRequest(ctx.principal, args);
        const size = result.body !== undefined ? Buffer.byteLength(result.body) : result.json !== undefined ? Buffer.byteLength(JSON.stringify(result.json)) : (result.binary?.size ?? 0);
        const summary =
          `HTTP ${result.status} ${result.statusText} from ${result.url} (${size} bytes, ${result.durationMs} ms` +
          `${result.truncated ? ', truncated' : ''}${result.redacted.length ? `, redacted: ${result.redacted.join(', ')}` : ''})` +
          `${result.redirectNotFollowed ? `\nredirect not followed: ${result.redirectNotFollowed}` : ''}`;
        // A short summary and the start of the body; the body itself travels once, in structuredContent.
        const start = result.body !== undefined ? preview(result.body) : result.json !== undefined ? preview(result.json) : result.binary ? `[binary ${result.binary.contentType}, ${result.binary.size} bytes]` : '';
        return {
          content: [{ type: 'text', text: start ? `${summary}\n\n${start}` : summary }],
          structuredContent: result as unknown as Record<string, unknown>,
        };
      } catch (err) {
        return toolError(err);
      }
    },
  );
}
