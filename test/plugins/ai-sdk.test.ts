// The AI SDK's own loop (generateText with tools and stopWhen) over Blindfold's tools, with the
// SDK's mock model (ai/test) scripted to call one tool, then answer with what the tool returned.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { expect, it } from 'vitest';
// @ts-expect-error: plain ESM example without declarations (the file the README shows)
import { ask } from '../../tools/examples/ai-sdk.mjs';
import { answerWith, describeRuntime, type Driver } from './harness.js';

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };

const drive: Driver = async (call, options) => {
  const model = new MockLanguageModelV3({
    doGenerate: async ({ prompt }: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> => {
      const results = prompt.flatMap((m) => (m.role === 'tool' ? m.content : [])).filter((p) => p.type === 'tool-result');
      const last = results[results.length - 1];
      if (!last) {
        return { content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: call.name, input: JSON.stringify(call.args) }], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] };
      }
      const output = last.output;
      const text = output.type === 'json' || output.type === 'error-json' ? JSON.stringify(output.value) : 'value' in output ? String(output.value) : JSON.stringify(output);
      return { content: [{ type: 'text', text: answerWith(`${output.type} ${text}`) }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] };
    },
  });
  const result = await ask(model, 'Use the tool.', options);
  if (process.env.SHOW) console.error(result.text.slice(0, 600));
  const firstCall = model.doGenerateCalls[0]!;
  return {
    answer: result.text,
    modelInputs: model.doGenerateCalls,
    toolsSeen: (firstCall.tools ?? []).map((t) => ({ name: t.name, description: 'description' in t ? t.description : undefined, parameters: 'inputSchema' in t ? t.inputSchema : undefined })),
    trace: { steps: result.steps, response: result.response, toolResults: result.toolResults, content: result.content },
  };
};

describeRuntime('Vercel AI SDK', 'ai-sdk-test', drive);

// .ci/run's Node 24 step points `ai` at ai@7 (AI_SDK_PACKAGE, vitest.config.ts); elsewhere it is the
// devDependency. The tests above ran against that install only if the mock model they used is its class.
it('runs against the AI SDK named by AI_SDK_PACKAGE, else the devDependency', async () => {
  const dir = process.env.AI_SDK_PACKAGE ?? join(import.meta.dirname, '..', '..', 'node_modules', 'ai');
  const pointedAt = (await import(pathToFileURL(join(dir, 'dist/test/index.mjs')).href).catch(() => import(pathToFileURL(join(dir, 'dist/test/index.js')).href))) as { MockLanguageModelV3: unknown };
  expect(MockLanguageModelV3).toBe(pointedAt.MockLanguageModelV3);
});
