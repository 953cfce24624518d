// Blindfold's tools in an OpenAI Agents SDK agent.
// Run: npm i @openai/agents && OPENAI_API_KEY=... node tools/examples/openai-agents.mjs
import { fileURLToPath } from 'node:url';
import { Agent, run } from '@openai/agents';
import { openBlindfold } from 'blindfold-mcp';
import { blindfoldTools } from 'blindfold-mcp/openai-agents';

/** Asks a question the agent may answer by calling APIs with credentials it never sees. */
export async function ask(model, question, blindfoldOptions = {}) {
  const blindfold = await openBlindfold({ principal: 'openai-agent', ...blindfoldOptions });
  try {
    const agent = new Agent({
      name: 'API helper',
      instructions: 'Call APIs with http_request; write <secrets.NAME> where a credential goes.',
      model,
      // Every call is audited as plugin:openai-agent. { expose: ['tasks'] } would offer only task tools.
      tools: blindfoldTools(blindfold),
    });
    return await run(agent, question);
  } finally {
    await blindfold.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await ask('gpt-4.1-mini', 'Which GitHub user does the GITHUB_TOKEN secret belong to? Call https://api.github.com/user.');
  process.stdout.write(`${result.finalOutput}\n`);
}
