import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { Vault } from '../../vault/vault.js';
import { loadSettings, SETTING_ENV } from '../../settings.js';
import { action, environmentFor, exitCodeFor, openVault, reportError } from '../context.js';
import { clientEntryFor } from '../client-config.js';
import { note } from '../io.js';
import { parseConfigOrigin } from '../../policy/hosts.js';
import { withoutValueIn } from '../../vault/names.js';
import { announce, checkCanStart, httpAuth, planHttp, stopOnSignal, type HttpFlags, type HttpPlan } from '../serve-http.js';
import type { AuditTrail } from '../../audit/trail.js';
import type { NodeHandler } from '../../ui/team.js';
import { repeatablePath } from '../../echo.js';
import { settleStart, START_SETTLE_MS } from '../start-memory.js';

interface ServeOptions extends HttpFlags {
  env?: string;
  allowOrigin?: string[];
  resolve?: string[];
  principal?: string;
  maxArgumentBytes?: string;
}

/** `blindfold serve`, as declared in ../definitions.ts. */
export const serveAction = action(async (opts: ServeOptions, cmd: Command) => {
  const env = environmentFor(opts.env);
  const allowOrigins = (opts.allowOrigin ?? []).map((o) => parseConfigOrigin(o));
  // Before anything starts: a bad flag, variable or settings file is a usage error, not a broken session.
  const settings = loadSettings({ principal: opts.principal, maxArgumentBytes: opts.maxArgumentBytes });
  const http = opts.http ? planHttp(opts) : undefined;
  // The loader kept V8's young generation from growing for the start; settled once it is done (../start-memory.ts).
  setTimeout(settleStart, START_SETTLE_MS * 5).unref(); // whatever path the start takes
  // The server stack is loaded here, not at the top: every other command starts faster without it.
  // The vault is read and its key checked meanwhile, and its records are checked as they are first
  // read, not all before tools/list can be answered (B4).
  const [{ assembleBlindfold, PrincipalSlot }, { pinnedResolver }, { serveStdio, stdioPrincipalId }, vault] = await Promise.all([
    import('../../open.js'),
    import('../../egress/connector.js'),
    import('../../mcp/stdio.js'),
    openVault(cmd, { recordCheck: 'on-first-read' }).catch((err: unknown) => err),
  ]);
  // A team server on a sealed vault would refuse every agent; it does not start (exit 3, the fix on stderr).
  if (http && !(vault instanceof Vault)) throw vault;
  if (!(vault instanceof Vault)) {
    // A sealed vault still gets a server: the client sees the reason on every call (sealed.ts).
    if (!(vault instanceof BlindfoldError) || vault.code !== 'VAULT_SEALED') throw vault;
    reportError(vault);
    note('serving every tool call with VAULT_SEALED and this fix until the client disconnects');
    await (await import('../../mcp/sealed.js')).serveSealed(vault, { maxMessageBytes: settings.limits.maxArgumentBytes });
    process.exitCode = exitCodeFor(vault);
    return;
  }
  endOnCorruptRecord();
  if (http) return serveOverHttp(vault, http, env, settings.limits.maxArgumentBytes, { allowOrigins, resolve: opts.resolve ?? [] });
  const instance = serverInstance(vault.paths.home, env);
  const blindfold = await assembleBlindfold(vault, {
    principal: new PrincipalSlot((clientName) => ({ id: stdioPrincipalId({ name: settings.principal, clientName, instance }), env })),
    partialHitAllowance: settings.limits.partialHitAllowance,
    maxArgumentBytes: settings.limits.maxArgumentBytes,
    allowOrigins,
    ...(opts.resolve?.length ? { resolver: pinnedResolver(opts.resolve) } : {}),
    watchTasks: true,
  });
  const tasks = blindfold.tasks();
  const problems = blindfold.taskProblems();
  const maxFromShell = opts.maxArgumentBytes ?? process.env[SETTING_ENV.maxArgumentBytes];
  const entry = clientEntryFor(vault.paths, env, [
    ...(settings.principal ? ['--principal', settings.principal] : []),
    ...allowOrigins.flatMap((o) => ['--allow-origin', o]),
    ...(opts.resolve ?? []).flatMap((r) => ['--resolve', r]),
    ...(maxFromShell ? ['--max-argument-bytes', String(settings.limits.maxArgumentBytes)] : []),
  ]);
  // After start, not before: listing 10,000 records would delay the first tools/list (B4).
  setTimeout(() => {
    const missing = withoutValueIn(env, vault.list());
    if (missing.length) {
      note(`warning: ${missing.length} of ${vault.size} secret(s) have no value for environment ${env} and no default value: calls using them will be refused (\`blindfold list\` shows each secret's environments; \`blindfold set NAME --env ${env}\` adds one)`);
    }
  }, 200).unref();
  note(
    `MCP server on stdio | vault ${repeatablePath(vault.paths.vault)} | environment ${env} | ${vault.size} secret(s) | ` +
      `${tasks.length} task(s) from ${repeatablePath(vault.paths.tasks)}${problems.length ? ` (${problems.length} not loaded: see above)` : ''}\n` +
      `blindfold: connect a client with this server entry (README: "Connect an MCP client"): ${JSON.stringify(entry)}\n` +
      `blindfold: principal ${settings.principal ? `stdio:${settings.principal}` : `stdio:<client name>:${instance} (name it with --principal NAME)`}\n` +
      'blindfold: add secrets with `blindfold set NAME --host HOST`',
  );
  setTimeout(settleStart, START_SETTLE_MS).unref();
  await serveStdio(blindfold, { maxMessageBytes: settings.limits.maxArgumentBytes });
  await blindfold.close();
});

/** The team server (`serve --http`, ../serve-http.ts): one core, a handle per token, until SIGTERM. */
async function serveOverHttp(vault: Vault, plan: HttpPlan, env: string, maxBodyBytes: number, egress: { allowOrigins: string[]; resolve: string[] }): Promise<void> {
  const tokens = checkCanStart(plan, vault);
  const [{ assembleBlindfold }, { pinnedResolver }, { serveHttp }] = await Promise.all([
    import('../../open.js'),
    import('../../egress/connector.js'),
    import('../../mcp/http.js'),
  ]);
  let trail: AuditTrail | undefined;
  const core = await assembleBlindfold(vault, {
    principal: { id: 'http:local', env },
    maxArgumentBytes: maxBodyBytes,
    allowOrigins: egress.allowOrigins,
    ...(egress.resolve.length ? { resolver: pinnedResolver(egress.resolve) } : {}),
    watchTasks: true,
    withAuditTrail: (t) => (trail = t),
  });
  const server = await serveHttp({
    core,
    auth: httpAuth(plan, vault, () => trail!),
    ...(vault.store.takeRate ? { rates: { take: vault.store.takeRate.bind(vault.store) } } : {}),
    host: plan.host,
    port: plan.port,
    maxBodyBytes,
    idleMs: plan.idleMs,
    allowedHosts: plan.allowedHosts,
    allowedOrigins: plan.allowedOrigins,
    trustProxy: plan.trustProxy,
    // The admin page under /ui: admin tokens (--admin) log in; changes audited as ui:<login id>.
    page: (lists) => {
      // Built by the first request under /ui, not at start: most team servers idle without an
      // admin looking, and the page's app (hono, the views) would sit in memory all along (B6).
      let built: Promise<NodeHandler> | undefined;
      const build = async () =>
        (await import('../../ui/team.js')).teamPage(
          {
            backend: { admin: (principal) => core.as({ principal }).admin, trail: trail!, tasks: () => core.tasks(), env, requests: core.secretRequests },
            adminTokens: {
              login: async (token) => {
                await vault.refresh();
                const info = await vault.tokens.lookup(token);
                return info?.admin ? { name: info.name, createdAt: info.createdAt } : undefined;
              },
              // On PostgreSQL, wrong logins are counted in the database: the limit holds across instances.
              ...(vault.store.takeRate ? { countWrong: (perMinute: number) => vault.store.takeRate!('ui:wrong-logins', perMinute, 1) } : {}),
              stillValid: async (holder) => {
                await vault.refresh();
                const t = vault.tokens.list().find((x) => x.name === holder.name);
                return t !== undefined && t.admin === true && t.createdAt === holder.createdAt && !(t.expiresAt && Date.parse(t.expiresAt) <= Date.now());
              },
            },
          },
          lists,
        );
      // A failed import is not kept: the next request under /ui tries again.
      return async (req, res) => (await (built ??= build().catch((err: unknown) => ((built = undefined), Promise.reject(err)))))(req, res);
    },
  }).catch(async (err: unknown) => {
    await core.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new BlindfoldError('BAD_INPUT', `cannot listen on that address and port (${code ?? 'error'}): pick another --port, or stop what holds it`);
  });
  announce(server, plan, vault, env, tokens);
  setTimeout(settleStart, START_SETTLE_MS).unref();
  await stopOnSignal(server, () => core.close());
}

/**
 * Which server entry this is, when the admin did not name the principal: the same entry of the
 * same client restarted is the same principal (so a restart lifts no suspension and gives no
 * allowance back), while two entries — another folder, home, environment or flags — are two.
 */
function serverInstance(home: string, env: string): string {
  const entry = JSON.stringify([process.cwd(), home, env, process.argv.slice(2)]);
  return createHash('sha256').update(entry).digest('hex').slice(0, 8);
}

/**
 * A record that fails the schema is found after start (by the redaction index, which reads every
 * record right away, or by a request): the server then ends as `serve` on a damaged vault always
 * has, with the one-line VAULT_CORRUPT error and its exit code, not a stack trace.
 */
function endOnCorruptRecord(): void {
  process.on('uncaughtException', (err) => {
    // Anything else ends the process as an uncaught exception would have without this listener.
    if (!(err instanceof BlindfoldError && err.code === 'VAULT_CORRUPT')) {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    }
    reportError(err);
    process.exit(exitCodeFor(err));
  });
}
