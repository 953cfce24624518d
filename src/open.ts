/**
 * The composition root: vault, audit trail, suspensions, broker and tasks wired together once,
 * for `blindfold serve` and for code that imports Blindfold. What comes out is a handle for one
 * principal; the vault stays in here, so nothing holding the handle can reach a value.
 */
import { Broker, type HttpResult, type SecretListing } from './broker.js';
import type { ListingPage } from './vault/listing-page.js';
import { resolveEnvironment, resolvePaths } from './config.js';
import { pinnedResolver, type Resolver } from './egress/connector.js';
import { forwardLogs, type LogSink } from './log.js';
import { BlindfoldError } from './errors.js';
import { mayUse, type Principal } from './policy/authorize.js';
import { isScoped, taskInScope } from './policy/scope.js';
import { narrowedPrincipal, type HandleScope } from './policy/handle-scope.js';
import { withVisibleNames } from './redact/spans.js';
import { AdminCore, type Admin } from './admin.js';
import { readyTrail, type AuditTrail } from './audit/trail.js';
import { GapRecordingTrail } from './audit/gap.js';
import { parseConfigOrigin } from './policy/hosts.js';
import { CountedAllowance } from './policy/allowance.js';
import { TripQuarantine } from './policy/quarantine.js';
import { CallQuotas } from './policy/quotas.js';
import { isStopped, suspendedRefusal, SuspensionList } from './policy/suspensions.js';
import { loadSettings } from './settings.js';
import type { Task, TaskProblem } from './tasks/loader.js';
import { TaskRegistry } from './tasks/registry.js';
import { keepCore, whenIndexed } from './handle-core.js';
import { runTask, type TaskResult } from './tasks/runner.js';
import type { HttpRequestInput } from './template/request.js';
import { Vault } from './vault/vault.js';
import { repeatable } from './echo.js';
import { PrincipalSlot } from './principal-slot.js';

export { PrincipalSlot } from './principal-slot.js';
export type { HandleScope } from './policy/handle-scope.js';
import { SecretRequests, type AskInput, type RequestAnswer, type RequestLimits } from './requests.js';

export interface OpenBlindfoldOptions {
  /** Home folder (vault, key, audit, tasks); default BLINDFOLD_HOME or ~/.blindfold. */
  home?: string;
  /** Environment whose values are used; default BLINDFOLD_ENV or development. */
  env?: string;
  /** Who is calling, for the audit trail and suspensions: recorded as `plugin:<name>`; default `library`. */
  principal?: string;
  /** Folder of task files; default `<home>/tasks`. */
  tasks?: string;
  /** Exact origins requests may reach even on a private or loopback address (like `serve --allow-origin`). */
  allowOrigins?: string[];
  /** `NAME=IP[,IP...]` DNS answers (like `serve --resolve`); they still pass the address guard. */
  resolve?: string[];
  /**
   * Where Blindfold's operational logs go (a pino logger or anything with its level methods). None:
   * nowhere — the library writes nothing to the application's stdout or stderr.
   */
  logger?: LogSink;
}

/** How the pieces are set up around an opened vault. */
export interface Assembly {
  principal: Principal | PrincipalSlot;
  /** Partial hits a principal may have before it is suspended; default from the settings. */
  partialHitAllowance?: number;
  /** Largest agent input (bytes) screened, larger refused; default from the settings. */
  maxArgumentBytes?: number;
  allowOrigins?: string[];
  resolver?: Resolver;
  /** Reload task tools when the tasks folder changes (a long-running server). */
  watchTasks?: boolean;
  /** Runs once the core is closed (the library's log forwarding stops). */
  onClose?: () => void;
  /** Test seam: expiry, limits and waits of `request_secret`. */
  requestLimits?: Partial<RequestLimits>;
  /** Hands the door its audit trail, for entries of its own (the team server's refused requests): one trail per process. */
  withAuditTrail?: (trail: AuditTrail) => void;
}

/** What every handle of one core shares: the broker, the tasks, the admin operations, and how to let go of them. */
export interface BlindfoldCore {
  broker: Broker;
  tasks?: TaskRegistry;
  /** The admin operations, audited as `principal`. */
  admin(principal: string): Admin;
  /** Values for a child process's environment (`exec`): refused when suspended or out of scope, audited first. */
  childValues(principal: Principal, names: readonly string[], reason: string): Promise<Map<string, string>>;
  /** Pending `request_secret` requests of the home (src/requests.ts). */
  requests: SecretRequests;
  release(): Promise<void>;
}

/**
 * A handle of the core for one principal: what it lists, resolves and runs is only what its scope
 * allows, and a secret or task outside it is refused as if it did not exist (markers, `redacted`
 * lists and close-name suggestions included). Every door (stdio, run, the plugins, the team server)
 * acts through one. The handle `openBlindfold` returns is the core's own: it alone closes the core.
 */
export class Blindfold {
  readonly #core: BlindfoldCore;
  readonly #principal: Principal | PrincipalSlot;
  readonly #owner: boolean;

  /** Who this handle acts for; for a learnt principal, fixed at the first initialize or first use. */
  declare readonly principal: Principal;

  constructor(core: BlindfoldCore, principal: Principal | PrincipalSlot, owner = true) {
    this.#core = core;
    keepCore(this, core);
    this.#principal = principal;
    this.#owner = owner;
    // An own property, as it always was (the handle shows nothing else), read through the slot.
    Object.defineProperty(this, 'principal', {
      enumerable: true,
      get: () => (this.#principal instanceof PrincipalSlot ? this.#principal.current : this.#principal),
    });
  }

  /** A handle for another principal on the same core, never wider than this one. */
  as(scope: HandleScope): Blindfold {
    const principal = narrowedPrincipal(this.principal, scope, this.#owner);
    return new Blindfold(this.#core, principal, false);
  }

  /** A connection's client said its name (MCP initialize); only a learnt principal uses it, and only the first time. */
  learnClient(clientName: string | undefined): void {
    if (this.#principal instanceof PrincipalSlot) this.#principal.learn(clientName);
  }

  /** The secrets this principal may use: names, policy and usage, never values. */
  async listSecrets(filter?: string): Promise<SecretListing[]> {
    return (await this.#core.broker.listSecrets(this.principal, filter)).items;
  }

  /** One page of them, as the list_secrets tool gives it: `limit` (default 100) after `cursor` (a page's nextCursor). */
  listSecretsPage(options: { filter?: string | undefined; limit?: number | undefined; cursor?: string | undefined } = {}): Promise<ListingPage<SecretListing>> {
    return this.#core.broker.listSecrets(this.principal, options.filter, { limit: options.limit, cursor: options.cursor });
  }

  /** An HTTP call with `<secrets.NAME>` expressions, resolved, sent and redacted by the broker. */
  httpRequest(input: HttpRequestInput): Promise<HttpResult> {
    const principal = this.principal;
    return this.#scoped(principal, () => this.#core.broker.httpRequest(principal, input));
  }

  /** Runs a task file by its name with the given inputs; one outside the scope is as if not loaded. */
  async runTask(name: string, inputs: Record<string, unknown> = {}): Promise<TaskResult> {
    const principal = this.principal;
    await this.screenAgentInput({ name, inputs });
    const task = this.#core.tasks?.get(name);
    if (!task || !taskInScope(principal, task)) throw new BlindfoldError('TASK_NOT_FOUND', `no task named ${repeatable(name)} is loaded`);
    return this.#scoped(principal, () => runTask(this.#core.broker, principal, task, inputs));
  }

  /** The tasks loaded now that this principal may run (each one a tool of its own). */
  tasks(): Task[] {
    const scope = this.#scope;
    return (this.#core.tasks?.tasks ?? []).filter((t) => taskInScope(scope, t));
  }

  /** Task files that did not load, with file, line and reason: the admin's to see, so a scoped handle sees none. */
  taskProblems(): TaskProblem[] {
    return isScoped(this.#scope) ? [] : (this.#core.tasks?.problems ?? []);
  }

  /** Called whenever the set of tasks changes; returns the unsubscribe. */
  onTasksChanged(listener: () => void): () => void {
    return this.#core.tasks?.onChange(listener) ?? (() => {});
  }

  /** Asks a human for a missing secret (screened like any agent input); `page`: the door's own page, if it has one. */
  async requestSecret(input: AskInput, page?: string): Promise<RequestAnswer> {
    await this.#core.broker.screenInput(this.principal, input);
    return this.#core.requests.ask(this.principal, input, page);
  }

  /** Screens what an agent sent as the tripwire does: a guess refuses the call and suspends this principal. */
  screenAgentInput(input: unknown): Promise<void> {
    return this.#core.broker.screenInput(this.principal, input);
  }

  /** A request this principal made: answered only to it. */
  async pollSecretRequest(id: string, page?: string, waitMs?: number): Promise<RequestAnswer> {
    await this.screenAgentInput(id);
    return this.#core.requests.poll(this.principal, id, page, waitMs);
  }

  /** How long `request_secret` waits for a human within one call, in ms. */
  get secretRequestWaitMs(): number {
    return this.#core.requests.limits.waitMs;
  }

  /** The home's pending requests, as the admin page lists and answers them (never through a scoped handle). */
  get secretRequests(): SecretRequests {
    this.#refuseIfScoped('secretRequests');
    return this.#core.requests;
  }

  /** The admin operations (set, rm, rollback, suspensions) on this core, audited as this handle's principal (never through a scoped handle). */
  get admin(): Admin {
    this.#refuseIfScoped('admin');
    return this.#core.admin(this.principal.id);
  }

  /** Managing the vault is the whole vault's business: a handle scoped to some secrets or tasks would list the rest, rebind them or clear its own suspension. */
  #refuseIfScoped(what: string): void {
    if (isScoped(this.#scope)) throw new BlindfoldError('REQUEST_REFUSED', `${what}: a scoped handle (made with secrets or tasks globs) cannot manage the vault; use an unscoped handle`);
  }

  /** Releases the tasks watcher, connections and the audit trail (the core's own handle only; others share it). */
  close(): Promise<void> {
    return this.#owner ? this.#core.release() : Promise.resolve();
  }

  /**
   * What this handle may see, read without fixing a learnt principal: the task tools are listed
   * before a stdio client's initialize names it, and a learnt principal is never scoped.
   */
  get #scope(): Principal | undefined {
    return this.#principal instanceof PrincipalSlot ? undefined : this.#principal;
  }

  /** Runs a call so that every marker made in it names only secrets this principal may see. */
  #scoped<T>(principal: Principal, work: () => Promise<T>): Promise<T> {
    return isScoped(principal) ? withVisibleNames((name) => mayUse(principal, name), work) : work();
  }
}

/** Opens Blindfold for code that imports it: the same broker, promises and audit as the MCP tools. */
export async function openBlindfold(options: OpenBlindfoldOptions = {}): Promise<Blindfold> {
  const name = options.principal ?? 'library';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new BlindfoldError('BAD_INPUT', 'principal: a name is letters, digits, _ . and - (at most 64; not repeated here)');
  }
  const env = resolveEnvironment(options.env);
  const vault = await Vault.open({ paths: resolvePaths({ home: options.home, tasks: options.tasks }) });
  const stopLogs = options.logger ? forwardLogs(options.logger) : undefined;
  const handle = await assembleBlindfold(vault, {
    principal: { id: `plugin:${name}`, env },
    ...(options.allowOrigins ? { allowOrigins: options.allowOrigins.map((o) => parseConfigOrigin(o, 'allowOrigins')) } : {}),
    ...(options.resolve?.length ? { resolver: pinnedResolver(options.resolve) } : {}),
    ...(stopLogs ? { onClose: stopLogs } : {}),
  });
  // A runtime's tool list is made at once, from the task tools' text with every value taken out (src/plugins/tools.ts).
  await whenIndexed(handle);
  return handle;
}

/** Wires an opened vault into a handle: the one place a broker is built for a long-lived caller. */
export async function assembleBlindfold(vault: Vault, assembly: Assembly): Promise<Blindfold> {
  const { limits, rangeOrigins } = loadSettings();
  // Appends that fail (a database away) are counted and put on record as one audit.gap when it is back.
  const audit = new GapRecordingTrail(await readyTrail(vault.state.audit({ key: await vault.auditKey(), vaultId: vault.vaultId, retentionDays: limits.auditRetentionDays, quotaBytes: limits.auditQuotaBytes })));
  assembly.withAuditTrail?.(audit);
  const suspensions = SuspensionList.in(vault.state);
  const allowance = CountedAllowance.in(vault.state, assembly.partialHitAllowance ?? limits.partialHitAllowance);
  const broker = new Broker({
    vault,
    audit,
    suspensions,
    allowance,
    quarantine: TripQuarantine.in(vault.state),
    quotas: new CallQuotas(),
    maxInputBytes: assembly.maxArgumentBytes ?? limits.maxArgumentBytes,
    rangeOrigins: rangeOrigins.map((o) => parseConfigOrigin(o, 'rangeOrigins')),
    ...(assembly.allowOrigins ? { allowOrigins: assembly.allowOrigins } : {}),
    ...(assembly.resolver ? { resolver: assembly.resolver } : {}),
  });
  const tasks = new TaskRegistry(vault.paths.tasks, vault);
  await tasks.reload();
  if (assembly.watchTasks) tasks.watch();
  let released: Promise<void> | undefined;
  const admin = new AdminCore({ vault, audit, suspensions, allowance, tasksUsing: (name) => tasks.tasks.filter((t) => t.secrets.includes(name)) });
  const childValues = async (principal: Principal, names: readonly string[], reason: string) => {
    await vault.refresh();
    await suspensions.settled();
    if (isStopped(suspensions, principal)) throw suspendedRefusal(principal.id);
    for (const name of names) if (!vault.has(name) || !mayUse(principal, name)) throw new BlindfoldError('SECRET_NOT_FOUND', `no secret named ${repeatable(name)}`);
    await audit.append({ action: 'secret.resolve', principal: principal.id, secrets: [...names], env: principal.env, outcome: 'ok', reason });
    audit.flush();
    return new Map(names.map((name) => [name, vault.resolve(name, principal.env)]));
  };
  const release = () =>
    (released ??= (async () => {
      tasks.close();
      await broker.close();
      audit.close();
      assembly.onClose?.();
    })());
  const requests = SecretRequests.in(vault.state, { audit, fresh: () => vault.refresh(), has: (name) => vault.has(name), ...(assembly.requestLimits ? { limits: assembly.requestLimits } : {}) });
  return new Blindfold({ broker, tasks, admin: (principal) => admin.as(principal), childValues, requests, release }, assembly.principal);
}
