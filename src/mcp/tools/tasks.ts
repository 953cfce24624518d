import { z } from 'zod';
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Task, TaskRegistry } from '../../tasks/index.js';
import { runTask } from '../../tasks/runner.js';
import type { ToolContext } from '../context.js';
import { preview, toolError } from '../results.js';

const taskOutput = {
  task: z.string(),
  ok: z.boolean().describe('false when a step answered with an error status and the task stopped there'),
  output: z.unknown().describe('the task output (redacted)'),
  steps: z.array(
    z.object({
      name: z.string(),
      method: z.string(),
      status: z.number().int(),
      durationMs: z.number(),
      redacted: z.array(z.string()),
      truncated: z.boolean(),
    }),
  ),
  failedStep: z.string().optional(),
  durationMs: z.number(),
};

function registerTask(server: McpServer, ctx: ToolContext, task: Task): RegisteredTool {
  return server.registerTool(
    task.name,
    {
      title: task.title ?? task.name,
      description: `${task.description}\n(Blindfold task from ${task.file.split(/[\\/]/).pop()}; credentials are filled in server-side and never shown.)`,
      inputSchema: task.inputShape,
      outputSchema: taskOutput,
      annotations: { readOnlyHint: task.readOnly, destructiveHint: !task.readOnly, openWorldHint: true, idempotentHint: task.readOnly },
    },
    async (args: Record<string, unknown>) => {
      try {
        const result = await runTask(ctx.broker, ctx.principal, task, args);
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
    },
  );
}

/** Keeps one tool per task in step with the registry; the SDK sends tools/list_changed on each change. */
export function registerTasks(server: McpServer, ctx: ToolContext, registry: TaskRegistry): () => void {
  const registered = new Map<string, RegisteredTool>();
  const sync = () => {
    for (const tool of registered.values()) tool.remove();
    registered.clear();
    for (const task of registry.tasks) registered.set(task.name, registerTask(server, ctx, task));
  };
  sync();
  return registry.onChange(sync);
}
