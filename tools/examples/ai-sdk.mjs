// Blindfold's tools in a Vercel AI SDK agent (Mastra agents take the same tools record).
// Run: npm i ai @ai-sdk/openai && OPENAI_API_KEY=... node tools/examples/ai-sdk.mjs
import { fileURLToPath } from 'node:url';
import { generateText, stepCountIs } from 'ai';
import { openBlindfold } from 'blindfold-mcp';
import { blindfoldTools } from 'blindfold-mcp/ai-sdk';

/** Asks `model` a question it may answer by calling APIs with credentials it never sees. */
export async function ask(model, prompt, blindfoldOptions = {}) {
  const blindfold = await openBlindfold({ principal: 'ai-sdk-agent', ...blindfoldOptions });
  try {
    return await generateText({
      model,
      // Every call is audited as plugin:ai-sdk-agent. { expose: ['tasks'] } would offer only task tools.
      tools: blindfoldTools(blindfold),
      stopWhen: stepCountIs(5),
      prompt,
    });
  } finally {
    await blindfold.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { openai } = await import('@ai-sdk/openai');
  const { text } = await ask(openai('gpt-4.1-mini'), 'Which GitHub user does the GITHUB_TOKEN secret belong to? Call https://api.github.com/user.');
  process.stdout.write(`${text}\n`);
}
