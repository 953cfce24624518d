import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from '../context.js';
import { toolDefinitions } from '../definitions.js';
import { toolError } from '../results.js';
import { withoutValueIn } from '../../vault/names.js';

export function registerListSecrets(server: McpServer, { blindfold }: ToolContext): void {
  const { name, ...definition } = toolDefinitions.list_secrets;
  server.registerTool(name, definition, async ({ filter, limit, cursor }) => {
    try {
      const page = await blindfold.listSecretsPage({ filter, limit, cursor });
      const secrets = page.items.map((s) => ({
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
      const environment = blindfold.principal.env;
      const missing = new Set(withoutValueIn(environment, secrets));
      const lines = secrets.map((s) => `- ${s.name}: ${s.description || '(no description)'} → ${s.hosts.join(', ') || 'no hosts'} [${s.placements.join(', ')}]${missing.has(s.name) ? ` (no value in ${environment})` : ''}`);
      const warning = missing.size ? `${missing.size} of these secret(s) have no value in ${environment} and no default: calls using them are refused` : undefined;
      const { total, nextCursor } = page;
      const more = nextCursor ? `\n${total - secrets.length} more on later pages: call list_secrets again with cursor "${nextCursor}"` : '';
      const count = nextCursor || cursor ? `${secrets.length} of ${total}` : `${secrets.length}`;
      return {
        content: [{ type: 'text', text: `${count} secret(s) in ${environment}:\n${lines.join('\n')}${warning ? `\nwarning: ${warning}` : ''}${more}` }],
        structuredContent: { secrets, total, ...(nextCursor ? { nextCursor } : {}), environment, ...(warning ? { warning } : {}) },
      };
    } catch (err) {
      return toolError(err);
    }
  });
}
