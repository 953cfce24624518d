import type { Command } from 'commander';
import type { AuditTrail } from '../../audit/trail.js';
import { BlindfoldError } from '../../errors.js';
import { TOKEN_PREFIX, tokenPrincipal, type TokenInfo } from '../../vault/tokens.js';
import { openAdmin } from '../admin.js';
import { action } from '../context.js';
import { note, printJson, printLine, printTable } from '../io.js';
import { parseExpiry, parseRate } from '../token-options.js';

interface CreateOptions {
  secrets?: string[];
  task?: string[];
  env?: string;
  expires?: string;
  rate?: string;
  admin?: boolean;
  json?: boolean;
}

/** `blindfold token create`, as declared in ../definitions.ts: the token goes to stdout alone, once. */
export const tokenCreateAction = action(async (name: string, opts: CreateOptions, cmd: Command) => {
  refuseTokenAsName(name);
  // `--tasks GLOB` (issue 21's spelling) shares its name with the global task-folder option, which
  // commander takes wherever it stands on the line; after `token create` it means task globs, so
  // they are read back from the raw arguments (`--task` is the same option under its own name).
  const taskGlobs = [...(opts.task ?? []), ...tasksGlobsAfterCreate(cmd)];
  // Options are parsed before the vault is opened: a refused create opens nothing.
  const now = new Date();
  const spec = {
    name,
    secrets: opts.secrets ?? [],
    tasks: taskGlobs,
    ...(opts.env !== undefined ? { env: opts.env } : {}),
    ...(opts.expires !== undefined ? { expiresAt: parseExpiry(opts.expires, now) } : {}),
    ...(opts.rate !== undefined ? { ratePerMinute: parseRate(opts.rate) } : {}),
    admin: opts.admin === true,
  };
  const { admin } = await openAdmin(cmd);
  const { token, info } = await admin.createToken(spec);
  if (opts.json) printJson({ token, info });
  else printLine(token);
  // Everything but the token goes to stderr, so `TOKEN=$(blindfold token create …)` holds the token only.
  note(`token ${info.name} created. It is shown once, now: store it where the agent reads it; only its keyed hash is kept, so a lost token is revoked and made anew`);
  note(`scope: ${describeScope(info)}`);
});

/** `blindfold token list`: names and scopes, never a token or its hash. */
export const tokenListAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const { admin, audit } = await openAdmin(cmd);
  const tokens = await admin.tokens();
  const lastUse = lastUses(audit, tokens);
  const now = Date.now();
  const rows = tokens.map((t) => ({ ...t, expired: t.expiresAt !== undefined && Date.parse(t.expiresAt) <= now, lastUsedAt: lastUse.get(t.name) ?? null }));
  if (opts.json) return printJson({ tokens: rows });
  if (rows.length === 0) return printLine('no agent tokens; create one with `blindfold token create NAME --secrets GLOB`');
  printTable(
    ['NAME', 'SECRETS', 'TASKS', 'ENV', 'ADMIN', 'RATE', 'CREATED', 'EXPIRES', 'LAST USED'],
    rows.map((t) => [
      t.name,
      t.secrets.join(',') || '(none)',
      t.tasks.join(',') || '(none)',
      t.env ?? "(server's)",
      t.admin ? 'yes' : 'no',
      t.ratePerMinute ? `${t.ratePerMinute}/min` : 'default',
      t.createdAt,
      t.expiresAt ? `${t.expiresAt}${t.expired ? ' (expired)' : ''}` : 'never',
      t.lastUsedAt ?? 'never',
    ]),
  );
});

/** `blindfold token revoke`: audited; the token stops working on its next request. */
export const tokenRevokeAction = action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
  refuseTokenAsName(name);
  const { admin } = await openAdmin(cmd);
  await admin.revokeToken(name);
  if (opts.json) printJson({ revoked: name });
  else printLine(`revoked ${name}: it is refused from its next request on, by every server that reads this vault`);
});

/** A pasted token where its name belongs would be repeated by every later message: refused, unrepeated. */
function refuseTokenAsName(name: string): void {
  if (name.startsWith(TOKEN_PREFIX)) {
    throw new BlindfoldError('BAD_INPUT', "that argument is an agent token itself (not repeated here); give the token's name, as `blindfold token list` shows it");
  }
}

function describeScope(t: TokenInfo): string {
  return [
    `secrets ${t.secrets.join(',') || '(none)'}`,
    `tasks ${t.tasks.join(',') || '(none)'}`,
    `env ${t.env ?? "(the server's)"}`,
    `rate ${t.ratePerMinute ? `${t.ratePerMinute}/min` : 'default'}`,
    `expires ${t.expiresAt ?? 'never'}`,
    `admin page ${t.admin ? 'yes' : 'no'}`,
  ].join('; ');
}

/** Each token's latest audit entry under its principal since it was created (a name made anew starts afresh). */
function lastUses(audit: AuditTrail, tokens: TokenInfo[]): Map<string, string> {
  const last = new Map<string, string>();
  if (tokens.length === 0) return last;
  const since = new Date(Math.min(...tokens.map((t) => Date.parse(t.createdAt))));
  const byPrincipal = new Map(tokens.map((t) => [tokenPrincipal(t.name), t]));
  for (const entry of audit.query({ since })) {
    const token = typeof entry.principal === 'string' ? byPrincipal.get(entry.principal) : undefined;
    if (token && typeof entry.time === 'string' && entry.time >= token.createdAt) last.set(token.name, entry.time);
  }
  return last;
}

/** Every `--tasks X` / `--tasks=X` written after `token create` (the root program consumed them). */
function tasksGlobsAfterCreate(cmd: Command): string[] {
  let root = cmd;
  while (root.parent) root = root.parent;
  const args = (root as unknown as { rawArgs: string[] }).rawArgs.slice(2);
  const start = args.findIndex((a, i) => a === 'token' && args[i + 1] === 'create');
  const globs: string[] = [];
  for (let i = start + 2; start >= 0 && i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '--tasks' && i + 1 < args.length) globs.push(args[++i]!);
    else if (a.startsWith('--tasks=')) globs.push(a.slice('--tasks='.length));
  }
  return globs;
}
