// Blindfold's tools in a LangChain.js agent (createAgent; LangGraph's prebuilt agents take them too).
// Run: npm i langchain @langchain/core @langchain/openai && OPENAI_API_KEY=... node tools/examples/langchain.mjs
import { fileURLToPath } from 'node:url';
import { createAgent } from 'langchain';
import { openBlindfold } from 'blindfold-mcp';
import { blindfoldTools } from 'blindfold-mcp/langchain';

/** Asks `model` a question it may answer by calling APIs with credentials it never sees. */
export async function ask(model, question, blindfoldOptions = {}) {
  const blindfold = await openBlindfold({ principal: 'langchain-agent', ...blindfoldOptions });
  try {
    // Every call is audited as plugin:langchain-agent. { expose: ['tasks'] } would offer only task tools.
    const agent = createAgent({ model, tools: blindfoldTools(blindfold) });
    return await agent.invoke({ messages: [{ role: 'user', content: question }] });
  } finally {
    await blindfold.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ChatOpenAI } = await import('@langchain/openai');
  const { messages } = await ask(new ChatOpenAI({ model: 'gpt-4.1-mini' }), 'Which GitHub user does the GITHUB_TOKEN secret belong to? Call https://api.github.com/user.');
  process.stdout.write(`${messages.at(-1).text}\n`);
}
