/**
 * `blindfold-mcp/langchain`: Blindfold's tools as LangChain.js structured tools, for `createAgent`,
 * LangGraph's prebuilt agents or `model.bindTools`. Results are the redacted structure as JSON text;
 * a refusal comes back as an error ToolMessage (`status: 'error'`), the way LangChain tells a model
 * that a tool call failed, rather than as an exception through the graph.
 */
import { ToolMessage } from '@langchain/core/messages';
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import type { Blindfold } from '../open.js';
import { PluginToolError, pluginTools, refusalText, type PluginOptions } from './tools.js';

export type { PluginOptions } from './tools.js';

/** One structured tool each for `list_secrets`, `http_request` and every task. */
export function blindfoldTools(blindfold: Blindfold, options: PluginOptions = {}): StructuredToolInterface[] {
  return pluginTools(blindfold, options).map((blindfoldTool) => {
    const { name, description } = blindfoldTool.definition;
    return tool(
      async (args: unknown, config?: { toolCall?: { id?: string } }) => {
        try {
          return JSON.stringify(await blindfoldTool.call(args));
        } catch (err) {
          const id = config?.toolCall?.id;
          // Called directly rather than from a model's tool call: there is no message to answer.
          if (!id) throw err instanceof PluginToolError ? err : new PluginToolError(err);
          return new ToolMessage({ content: refusalText(err), tool_call_id: id, name, status: 'error' });
        }
      },
      { name, description, schema: blindfoldTool.input },
    ) as unknown as StructuredToolInterface;
  });
}
