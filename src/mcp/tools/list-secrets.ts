import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from '../context.js';
import { toolError } from '../results.js';

const secretListing = z.object({
  name: z.string(),
  description: z.string(),
  metadata: z.record(z.string(), z.string()),
  environments: z.array(z.string()).describe('environments that have a value (including "default")'),
  hosts: z.array(z.string()).describe('origins this secret may be sent to'),
  placements: z.array(z.enum(['header', 'query', 'body', 'path'])).describe('where <secrets.NAME> may appear in http_request'),
  inject: z.string().describe('how task steps place the secret'),
  updatedAt: z.string(),
  lastUsedAt: z.string().nullable(),
  useCount: z.number().int(),
});

export function registerListSecrets(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'list_secrets',
    {
      title: 'List secrets',
      description:
        'List the secrets you can use (names, descriptions, allowed hosts and placements; never values). ' +
        'Use a name as <secrets.NAME> in http_request; the server fills in the value and scrubs it from the response.',
      inputSchema: { filter: z.string().max(200).optional().describe('case-insensitive text to match in names and descriptions') },
      outputSchema: { secrets: z.array(secretListing), environment: z.string() },
      annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true, destructiveHint: false },
    },
    async ({ filter }) => {
      try {
        const secrets = (await ctx.broker.listSecrets(ctx.principal, filter)).map((s) => ({
          name: s.name,
          description: s.description,
          metadata: s.metadata,
          environments: s.environments,
          hosts: s.hosts,
          placements: s.placements,
          inject: s.inject,
          updatedAt: s.updatedAt,
          lastUsedAt: s.lastUsedAt,
          useCount: s.useCount,
        }));
        const structured = { secrets, environment: ctx.principal.env };
        const lines = secrets.map((s) => `- ${s.name}: ${s.description || '(no description)'} → ${s.hosts.join(', ') || 'no hosts'} [${s.placements.join(', ')}]`);
        return {
          content: [{ type: 'text', text: `${secrets.length} secret(s) in ${ctx.principal.env}:\n${lines.join('\n')}` }],
          structuredContent: structured,
        };
      } catch (err) {
        return toolError(err);
      }
    },
  );
}
