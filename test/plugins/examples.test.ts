// The README's runtime snippets are the example files the runtime tests run, verbatim.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Use from an agent runtime'));

it('every file in tools/examples/ is a snippet of "Use from an agent runtime", verbatim', () => {
  const files = readdirSync(new URL('../../tools/examples/', import.meta.url));
  expect(files.sort()).toEqual(['ai-sdk.mjs', 'claude-agent-sdk.mjs', 'langchain.mjs', 'openai-agents.mjs']);
  for (const file of files) {
    const code = readFileSync(new URL(`../../tools/examples/${file}`, import.meta.url), 'utf8');
    expect(section.includes('```js\n' + code + '```'), `${file} in the README`).toBe(true);
  }
});
