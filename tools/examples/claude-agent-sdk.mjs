// Blindfold as an in-process MCP server for a Claude Agent SDK agent.
// Run: npm i @anthropic-ai/claude-agent-sdk && ANTHROPIC_API_KEY=... node tools/examples/claude-agent-sdk.mjs
import { fileURLToPath } from 'node:url';
import { openBlindfold } from 'blindfold-mcp';
import { blindfoldMcpServer } from 'blindfold-mcp/claude-agent-sdk';

/** The `query()` options that give Claude Blindfold's tools and no other way to the network. */
export function agentOptions(blindfold) {
  return {
    // Every call is audited as the handle's principal. { expose: ['tasks'] } would offer only task tools.
    mcpServers: { blindfold: blindfoldMcpServer(blindfold) },
    allowedTools: ['mcp__blindfold__list_secrets', 'mcp__blindfold__http_request'],
    disallowedTools: ['Bash', 'WebFetch'],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { query } = await import('@anthropic-ai/claude-agent-sdk');
  const blindfold = await openBlindfold({ principal: 'claude-agent' });
  try {
    const prompt = 'Which GitHub user does the GITHUB_TOKEN secret belong to? Call https://api.github.com/user.';
    for await (const message of query({ prompt, options: agentOptions(blindfold) })) {
      if (message.type === 'result' && message.subtype === 'success') process.stdout.write(`${message.result}\n`);
    }
  } finally {
    await blindfold.close();
  }
}
