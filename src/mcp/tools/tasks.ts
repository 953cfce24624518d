import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Task } from '../../tasks/loader.js';
import type { ToolContext } from '../context.js';
import { taskToolDefinition } from '../definitions.js';
import { preview, toolError } from '../results.js';

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
  return ctx.blindfold.onTasksChanged(sync);
}
