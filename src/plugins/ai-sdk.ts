/**
 * `blindfold-mcp/ai-sdk`: Blindfold's tools for the Vercel AI SDK (`generateText`, `streamText`,
 * agents), and for Mastra agents, which accept AI SDK tools. A refusal is thrown from `execute`
 * as a short `CODE: message` error, which the AI SDK hands back to the model as a tool error.
 */
import { tool, type ToolSet } from 'ai';
import type { Blindfold } from '../open.js';
import { pluginTools, type PluginOptions } from './tools.js';

export type { PluginOptions } from './tools.js';

/** The AI SDK `tools` record: `list_secrets`, `http_request` and one tool per task, by name. */
export function blindfoldTools(blindfold: Blindfold, options: PluginOptions = {}): ToolSet {
  const tools: ToolSet = {};
  for (const blindfoldTool of pluginTools(blindfold, options)) {
    tools[blindfoldTool.definition.name] = tool({
      description: blindfoldTool.definition.description,
      inputSchema: blindfoldTool.input,
      execute: (args: unknown) => blindfoldTool.call(args),
    });
  }
  return tools;
}
