/**
 * What every runtime adapter shares: the tools a Blindfold handle offers, described by the MCP tool
 * definitions (one source of truth for names, descriptions and input schemas) and run through the
 * handle, so the broker stays the only way to a value and an adapter only translates shapes.
 * Importing this module loads no agent runtime.
 */
import { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import { exposedGroups, taskToolDefinition, toolDefinitions, type ToolDefinition, type ToolGroup } from '../mcp/definitions.js';
import { toolError } from '../mcp/results.js';
import type { Blindfold } from '../open.js';
import { zodIssueText } from '../tasks/problem-text.js';
import { shapeFor } from '../tasks/input-schema.js';
import type { Task } from '../tasks/loader.js';
import { shownToAgentNow } from '../handle-core.js';

export { TOOL_GROUPS, type ToolGroup } from '../mcp/definitions.js';

export interface PluginOptions {
  /**
   * Which tools the agent gets; default all. `['tasks']` gives an agent only the admin's task
   * tools, with no raw `http_request`.
   */
  expose?: readonly ToolGroup[];
}

export interface PluginTool {
  readonly definition: ToolDefinition;
  /** The input schema as one zod object, for runtimes that take a schema rather than a shape. */
  readonly input: z.ZodObject<z.ZodRawShape>;
  /**
   * Validates the input as the MCP server does, runs it through the handle (tripwire, policy,
   * audit, redaction all happen there) and gives back the same redacted structure that the MCP
   * tool puts in `structuredContent`. A refusal is thrown as a PluginToolError.
   */
  call(args: unknown): Promise<Record<string, unknown>>;
}

/**
 * A refusal as an adapter hands it to a runtime: the same `CODE: message` text an MCP client gets,
 * and no stack trace into Blindfold's internals (runtimes keep thrown errors in their traces).
 */
export class PluginToolError extends Error {
  readonly code: string;

  constructor(cause: unknown) {
    const text = refusalText(cause);
    super(text);
    this.name = 'PluginToolError';
    this.code = cause instanceof BlindfoldError ? cause.code : 'INTERNAL';
    this.stack = `${this.name}: ${text}`;
  }
}

/** The text an MCP client reads for a refusal (src/mcp/results.ts), so every front end says the same. */
export function refusalText(err: unknown): string {
  if (err instanceof PluginToolError) return err.message;
  const [first] = toolError(err).content;
  return first?.type === 'text' ? first.text : 'INTERNAL: unexpected error';
}

/** The tools the handle offers now, filtered by `expose`; tasks are those loaded at this moment. */
export function pluginTools(blindfold: Blindfold, options: PluginOptions = {}): PluginTool[] {
  const expose = exposedGroups(options.expose);
  const tools: PluginTool[] = [];
  if (expose.has('list_secrets')) {
    const shape = z.object(toolDefinitions.list_secrets.outputSchema);
    tools.push(
      pluginTool(blindfold, toolDefinitions.list_secrets, async ({ filter, limit, cursor }) => {
        const page = await blindfold.listSecretsPage({ filter: filter as string | undefined, limit: limit as number | undefined, cursor: cursor as string | undefined });
        // Parsing through the output schema keeps exactly the fields the MCP tool declares.
        return shape.parse({ secrets: page.items, total: page.total, nextCursor: page.nextCursor, environment: blindfold.principal.env });
      }),
    );
  }
  if (expose.has('http_request')) {
    tools.push(pluginTool(blindfold, toolDefinitions.http_request, async (args) => ({ ...(await blindfold.httpRequest(args as unknown as Parameters<Blindfold['httpRequest']>[0])) })));
  }
  if (expose.has('tasks')) {
    for (const task of blindfold.tasks()) {
      tools.push(pluginTool(blindfold, taskToolDefinition(shownTask(blindfold, task)), async (args) => ({ ...(await blindfold.runTask(task.name, args)) })));
    }
  }
  return tools;
}

/**
 * A task as a runtime's tool list shows it: the admin's text (title, description, input schema)
 * with any stored value written there by mistake taken out, as the MCP door's tools/list does
 * (src/mcp/tools/tasks.ts; openBlindfold indexed every value before returning the handle).
 */
function shownTask(blindfold: Blindfold, task: Task): Task {
  const text = { title: task.title, description: task.description, inputs: task.inputs };
  const shown = shownToAgentNow(blindfold, text);
  return JSON.stringify(shown) === JSON.stringify(text) ? task : { ...task, ...shown, inputShape: shapeFor(shown.inputs) };
}

function pluginTool(blindfold: Blindfold, definition: ToolDefinition, run: (args: Record<string, unknown>) => Promise<Record<string, unknown>>): PluginTool {
  const input = z.object(definition.inputSchema);
  return {
    definition,
    input,
    async call(args) {
      try {
        // Screened as sent, before zod strips keys it does not know or quotes one in its error, as
        // the MCP door does (src/mcp/screen-calls.ts); a suspended principal is refused here too.
        await blindfold.screenAgentInput({ name: definition.name, arguments: args ?? null });
        // The MCP SDK parses arguments with the same object schema before a tool runs.
        const parsed = input.safeParse(args ?? {});
        if (!parsed.success) throw new BlindfoldError('BAD_INPUT', `invalid arguments for ${definition.name}: ${issuesOf(parsed.error)}`);
        return await run(parsed.data);
      } catch (err) {
        throw new PluginToolError(err);
      }
    },
  };
}

/** Where and why the input did not fit; a key of the agent's is named only if it may be repeated (src/echo.ts). */
function issuesOf(error: z.ZodError): string {
  return error.issues.map((issue) => zodIssueText(issue, '(input)')).join('; ');
}
