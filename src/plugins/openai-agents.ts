/**
 * `blindfold-mcp/openai-agents`: Blindfold's tools for the OpenAI Agents SDK (`new Agent({ tools })`).
 * The parameters are the MCP input schema as JSON Schema, non-strict (strict mode would make every
 * optional field required); Blindfold validates the arguments itself, as the MCP server does. A
 * refusal becomes the tool's output through `errorFunction`: the `CODE: message` an MCP client reads.
 */
import { tool, type FunctionTool } from '@openai/agents';
import { z } from 'zod';
import type { Blindfold } from '../open.js';
import { pluginTools, refusalText, type PluginOptions } from './tools.js';

export type { PluginOptions } from './tools.js';

type JsonParameters = Extract<Parameters<typeof tool>[0], { strict: false }>['parameters'];

/** One function tool each for `list_secrets`, `http_request` and every task. */
export function blindfoldTools(blindfold: Blindfold, options: PluginOptions = {}): FunctionTool[] {
  return pluginTools(blindfold, options).map(
    (blindfoldTool) =>
      tool({
        name: blindfoldTool.definition.name,
        description: blindfoldTool.definition.description,
        parameters: jsonSchemaOf(blindfoldTool.input),
        strict: false,
        execute: async (args: unknown) => JSON.stringify(await blindfoldTool.call(args)),
        errorFunction: (_context, err) => refusalText(err),
      }) as unknown as FunctionTool,
  );
}

/**
 * Plain JSON Schema: zod marks its output as a Standard Schema (a hidden `~standard` field), which
 * the Agents SDK accepts only in strict mode; the spread copies the visible fields alone.
 */
function jsonSchemaOf(input: z.ZodObject<z.ZodRawShape>): JsonParameters {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(input, { io: 'input' });
  return { ...schema } as unknown as JsonParameters;
}
