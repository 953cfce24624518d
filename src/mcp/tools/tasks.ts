import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Task } from '../../tasks/loader.js';
import { shownToAgent } from '../../handle-core.js';
import type { ToolContext } from '../context.js';
import { taskToolDefinition } from '../definitions.js';
import { preview, toolError } from '../results.js';
import { wrapToolsHandler } from '../screen-calls.js';

function registerTask(server: McpServer, { blindfold }: ToolContext, task: Task): RegisteredTool {
  const { name, ...definition } = taskToolDefinition(task);
  return server.registerTool(name, definition, async (args: Record<string, unknown>) => {
    try {
      const result = await blindfold.runTask(task.name, args);
      const last = result.steps[result.steps.length - 1];
      const summary = result.ok
        ? `${task.name}: ${result.steps.length} step(s) done in ${result.durationMs} ms`
        : `${task.name}: step ${result.failedStep} answered HTTP ${last?.status}; the task stopped there`;
      // The output travels once, in structuredContent; the text quotes its start, compact.
      const output = preview(result.output);
      return {
        ...(result.ok ? {} : { isError: true }),
        content: [{ type: 'text' as const, text: output ? `${summary}\n\n${output}` : summary }],
        structuredContent: result as unknown as Record<string, unknown>,
      };
    } catch (err) {
      return toolError(err);
    }
  });
}

/** What a handle's task tools are made of (the input shape is made from `inputs`). */
const signatureOf = (tasks: readonly Task[]) => JSON.stringify(tasks.map(({ inputShape: _shape, ...task }) => task));

/**
 * Keeps one tool per task in step with the tasks this handle sees; the SDK sends tools/list_changed
 * on each change. A change to tasks outside the handle's scope changes nothing here and announces
 * nothing: another team's activity is not this agent's to see.
 */
export function registerTasks(server: McpServer, ctx: ToolContext): () => void {
  const registered = new Map<string, RegisteredTool>();
  let shown: string | undefined;
  const sync = () => {
    const tasks = ctx.blindfold.tasks();
    const signature = signatureOf(tasks);
    if (signature === shown) return;
    shown = signature;
    for (const tool of registered.values()) tool.remove();
    registered.clear();
    for (const task of tasks) registered.set(task.name, registerTask(server, ctx, task));
  };
  sync();
  scrubTaskListings(server, ctx, registered);
  return ctx.blindfold.onTasksChanged(sync);
}

/**
 * tools/list as the agent gets it: a task tool's description and input schema are the admin's
 * text, so a stored value written there by mistake (a key in a description or an input's default)
 * is taken out before the list leaves (red team 13). Only task tools wait for the index: the
 * built-in tools' text is Blindfold's own, so a list without task tools is answered at once.
 */
function scrubTaskListings(server: McpServer, { blindfold }: ToolContext, tasks: ReadonlyMap<string, RegisteredTool>): void {
  wrapToolsHandler(server, 'tools/list', (inner) => async (request, extra) => {
    const listing = (await inner(request, extra)) as { tools: Array<{ name: string }> };
    if (!listing.tools.some((t) => tasks.has(t.name))) return listing;
    return { ...listing, tools: await Promise.all(listing.tools.map((t) => (tasks.has(t.name) ? shownToAgent(blindfold, t) : t))) };
  });
}
