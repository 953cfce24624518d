import type { Command } from 'commander';
import { action, environmentFor, openAudit, openVault } from '../context.js';
import { clientEntryFor } from '../client-config.js';
import { note } from '../io.js';
import { parseConfigOrigin } from '../../policy/hosts.js';
import { SuspensionList } from '../../policy/suspensions.js';

interface ServeOptions {
  env?: string;
  allowOrigin?: string[];
  resolve?: string[];
}

/** `blindfold serve`, as declared in ../definitions.ts. */
export const serveAction = action(async (opts: ServeOptions, cmd: Command) => {
  // Loaded here, not at the top: every other command starts faster without the server stack.
  const [{ Broker }, { pinnedResolver }, { serveStdio }, { TaskRegistry }] = await Promise.all([
    import('../../broker.js'),
    import('../../egress/connector.js'),
    import('../../mcp/stdio.js'),
    import('../../tasks/registry.js'),
  ]);
  const env = environmentFor(opts.env);
  const allowOrigins = (opts.allowOrigin ?? []).map((o) => parseConfigOrigin(o));
  const vault = await openVault(cmd, { create: true });
  const audit = await openAudit(vault);
  const broker = new Broker({
    vault,
    audit,
    allowOrigins,
    suspensions: new SuspensionList(vault.paths.suspensions),
    resolver: opts.resolve?.length ? pinnedResolver(opts.resolve) : undefined,
  });
  const tasks = new TaskRegistry(vault.paths.tasks, vault);
  await tasks.reload();
  tasks.watch();
  const entry = clientEntryFor(vault.paths, env, [
    ...allowOrigins.flatMap((o) => ['--allow-origin', o]),
    ...(opts.resolve ?? []).flatMap((r) => ['--resolve', r]),
  ]);
  note(
    `MCP server on stdio | vault ${vault.paths.vault} | environment ${env} | ${vault.names().length} secret(s) | ` +
      `${tasks.tasks.length} task(s) from ${vault.paths.tasks}${tasks.problems.length ? ` (${tasks.problems.length} not loaded: see above)` : ''}\n` +
      `blindfold: connect a client with this server entry (README: "Connect an MCP client"): ${JSON.stringify(entry)}\n` +
      'blindfold: add secrets with `blindfold set NAME --host HOST`',
  );
  await serveStdio(broker, { id: 'stdio', env }, tasks);
  tasks.close();
  await broker.close();
  audit.close();
});
