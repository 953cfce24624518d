// In-process doubles for CLI steps that only set a test up or check its result: seeding a vault
// with `blindfold set` spawns a process (~0.25 s of CPU) per secret, while the same Vault and
// AuditLog code in this process takes milliseconds. Tests about the CLI's own behaviour (arguments,
// output, exit codes, stdin, kill -9, concurrency) still spawn it. Built from today's internals;
// the server is assembled by the same composition root (src/open.ts) as `serve` and openBlindfold().
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { FileAuditTrail } from '../../src/store/audit/file-trail.js';
import { recordVaultChanges } from '../../src/audit/vault-changes.js';
import { fingerprintVaultWrites } from '../../src/redact/vault-index.js';
import { cliPrincipal } from '../../src/cli/context.js';
import { resolveEnvironment, resolvePaths } from '../../src/config.js';
import type { Resolver } from '../../src/egress/connector.js';
import { createServer } from '../../src/mcp/server.js';
import { assembleBlindfold } from '../../src/open.js';
import { Vault, type SetSecretInput } from '../../src/vault/vault.js';

export interface OpenedForChange {
  vault: Vault;
  audit: FileAuditTrail;
  close(): void;
}

/**
 * Opens (creating, as `init` and `set` do) the vault of a test home the way a changing CLI command
 * does: every change lands on the audit trail under the CLI's principal, inside the write lock.
 */
export async function openForChange(env: NodeJS.ProcessEnv): Promise<OpenedForChange> {
  const vault = await Vault.open({ paths: resolvePaths({}, env), env, create: true });
  const audit = new FileAuditTrail({ path: vault.paths.audit, key: await vault.auditKey(), vaultId: vault.vaultId });
  recordVaultChanges(vault, audit, cliPrincipal);
  await fingerprintVaultWrites(vault);
  return { vault, audit, close: () => audit.close() };
}

/** What a series of `blindfold set NAME --host …` (or a bare `init`, for no secrets) leaves behind. */
export async function seedVault(env: NodeJS.ProcessEnv, secrets: SetSecretInput[] = []): Promise<void> {
  const opened = await openForChange(env);
  try {
    for (const s of secrets) await opened.vault.set({ ...s, env: resolveEnvironment(s.env, env) });
  } finally {
    opened.close();
  }
}

/**
 * `blindfold set NAME <flags>` with the value on stdin, done in-process: for tests whose subject is
 * what a stored secret does later, not `set` itself. Takes the CLI's flags so a setup line reads
 * the same either way; a flag it does not know (--preset, say) is an error, not silently dropped.
 */
export async function seedSecret(env: NodeJS.ProcessEnv, name: string, value: string, ...flags: string[]): Promise<void> {
  // The CLI strips one final newline from piped input; here the value is stored as given.
  if (/\n$/.test(value)) throw new Error('seedSecret: a value ending in a newline would differ from what `set` stores');
  await seedVault(env, [setInputFromFlags(name, value, flags)]);
}

function setInputFromFlags(name: string, value: string, flags: string[]): SetSecretInput {
  const input: SetSecretInput = { name, value };
  const hosts: string[] = [];
  const placements: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (flag === '--allow-short') input.allowShort = true;
    else if (flag === '--allow-guessable') input.allowGuessable = true;
    else {
      const arg = flags[++i];
      if (arg === undefined) throw new Error(`seedSecret: ${flag} needs a value`);
      if (flag === '--host') hosts.push(arg);
      else if (flag === '--placement') placements.push(arg);
      else if (flag === '--inject') input.inject = arg;
      else if (flag === '--description') input.description = arg;
      else if (flag === '--env') input.env = arg;
      else throw new Error(`seedSecret: ${flag} is not supported here; spawn \`blindfold set\` for it`);
    }
  }
  // As in the CLI: a flag not given leaves the setting to the vault's default.
  if (hosts.length) input.hosts = hosts;
  if (placements.length) input.placements = placements;
  return input;
}

/** The vault of a test home, opened read-only for checking what a command left behind. */
export function openVaultOf(env: NodeJS.ProcessEnv): Promise<Vault> {
  return Vault.open({ paths: resolvePaths({}, env), env });
}

export interface InProcessSession {
  client: Client;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * The server `blindfold serve` runs (vault, audit, broker, task folder, createServer), in this
 * process over the SDK's InMemoryTransport: for tests that need a server's effects, not its stdio.
 */
export async function connectInProcess(env: NodeJS.ProcessEnv, options: { allowOrigins?: string[]; resolver?: Resolver } = {}): Promise<InProcessSession> {
  const vault = await Vault.open({ paths: resolvePaths({}, env), env, create: true });
  const blindfold = await assembleBlindfold(vault, {
    principal: { id: 'stdio', env: resolveEnvironment(undefined, env) },
    allowOrigins: options.allowOrigins ?? [],
    ...(options.resolver ? { resolver: options.resolver } : {}),
    watchTasks: true,
  });
  const server = createServer(blindfold);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'blindfold-test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await blindfold.close();
    },
  };
}
