import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from '../context.js';
import { toolDefinitions } from '../definitions.js';
import { preview, toolError } from '../results.js';

export function registerHttpRequest(server: McpServer, { blindfold }: ToolContext): void {
  const { name, ...definition } = toolDefinitions.http_request;
  server.registerTool(name, definition, async (args) => {
    try {
      const result = await blindfold.httpRequest(args);
      const size = result.body !== undefined ? Buffer.byteLength(result.body) : result.json !== undefined ? Buffer.byteLength(JSON.stringify(result.json)) : 0;
      const summary =
        `HTTP ${result.status} ${result.statusText} from ${result.url} (${size} bytes, ${result.durationMs} ms` +
        `${result.truncated ? ', truncated' : ''}${result.withheld ? ', withheld in part or whole' : ''}${result.redacted.length ? `, redacted: ${result.redacted.join(', ')}` : ''})` +
        `${result.redirectNotFollowed ? `\nredirect not followed: ${result.redirectNotFollowed}` : ''}`;
      // A short summary and the start of the body; the body itself travels once, in structuredContent.
      const start = result.body !== undefined ? preview(result.body) : result.json !== undefined ? preview(result.json) : result.binary ? `[binary ${result.binary.contentType}, not shown]` : '';
      return {
        content: [{ type: 'text', text: start ? `${summary}\n\n${start}` : summary }],
        structuredContent: result as unknown as Record<string, unknown>,
      };
    } catch (err) {
      return toolError(err);
    }
  });
}
