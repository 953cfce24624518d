/**
 * Admin settings that are not per-home paths: `$XDG_CONFIG_HOME/blindfold/config.json` (default
 * `~/.config/blindfold/config.json`). The file is optional (missing = defaults); a file that is
 * there but wrong is an error naming its path, never silently ignored, because its limits are
 * security bounds. Each setting resolves flag > environment variable > file > default.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { looksLikeToken, repeatable, repeatablePath } from './echo.js';
import { BlindfoldError } from './errors.js';
import { ENVIRONMENT_RULE } from './vault/names.js';

const MiB = 1024 * 1024;

/** A principal name as `serve --principal` takes it (the server makes it `stdio:<name>`). */
export const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const DEFAULT_LIMITS = {
  /** One MCP message (a tool call with all its arguments), counted as raw bytes before JSON is parsed. */
  maxArgumentBytes: MiB,
  /** Partial hits a principal may have before the next suspends it. */
  partialHitAllowance: 3,
  auditRetentionDays: 90,
  auditQuotaBytes: 1024 * MiB,
  /** Connections one instance holds to a PostgreSQL store (its writers and readers; LISTEN has its own). */
  storePoolSize: 10,
} as const;

// Bounds keep a typo from switching a limit off (0) or making it meaningless (a 10 GB message).
const limitsSchema = z
  .object({
    maxArgumentBytes: z.number().int().min(1024).max(256 * MiB).default(DEFAULT_LIMITS.maxArgumentBytes),
    partialHitAllowance: z.number().int().min(0).max(100).default(DEFAULT_LIMITS.partialHitAllowance),
    auditRetentionDays: z.number().int().min(1).max(36_500).default(DEFAULT_LIMITS.auditRetentionDays),
    auditQuotaBytes: z.number().int().min(MiB).default(DEFAULT_LIMITS.auditQuotaBytes),
    // Two at least: a writer may read while it holds the vault's lock (src/store/postgres/connection.ts).
    storePoolSize: z.number().int().min(2).max(1000).default(DEFAULT_LIMITS.storePoolSize),
  })
  .strict();

/** The config file's `home`: fixed, whatever folder a client starts the server in. */
const HOME_IN_FILE = z.string().refine((p) => isAbsolute(p) || p.startsWith('~/'), 'an absolute path, or one starting with ~/');

export const settingsSchema = z
  .object({
    /** The home folder (SPEC §2): below --home and BLINDFOLD_HOME, above ~/.blindfold. */
    home: HOME_IN_FILE.optional(),
    /** The environment (SPEC §2): below --env and BLINDFOLD_ENV, above development. */
    environment: z.string().regex(ENVIRONMENT_RULE, 'lowercase letters, digits, _ and - (at most 32), starting with a letter').optional(),
    principal: z
      .string()
      .regex(PRINCIPAL_NAME, 'letters, digits, _ . and - (at most 64)')
      // `--principal "$TOKEN"`: a key where the name belongs would be in every banner and audit entry.
      .refine((p) => !looksLikeToken(p), 'it looks like a key or token, not a principal name')
      .optional(),
    limits: limitsSchema.default(DEFAULT_LIMITS),
    /**
     * Exact origins whose partial answers (Range requests, 206, Content-Range) pass: an agent's
     * Range header is sent there and the part it asked for is scanned and shown. Elsewhere Range is
     * dropped and partial answers are withheld, since reads shorter than a window slice a value
     * below what the wall can match (issue 18 item 3).
     */
    rangeOrigins: z.array(z.string()).max(1000).default([]),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type Limits = Settings['limits'];

/** What flags gave; undefined = not given. */
export interface SettingFlags {
  principal?: string | undefined;
  maxArgumentBytes?: number | string | undefined;
}

/** The environment variable of each setting. */
export const SETTING_ENV = {
  principal: 'BLINDFOLD_PRINCIPAL',
  maxArgumentBytes: 'BLINDFOLD_MAX_ARGUMENT_BYTES',
  partialHitAllowance: 'BLINDFOLD_PARTIAL_HIT_ALLOWANCE',
  auditRetentionDays: 'BLINDFOLD_AUDIT_RETENTION_DAYS',
  auditQuotaBytes: 'BLINDFOLD_AUDIT_QUOTA_BYTES',
  storePoolSize: 'BLINDFOLD_STORE_POOL_SIZE',
} as const;

export function settingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(env.HOME ?? homedir(), '.config');
  return join(base, 'blindfold', 'config.json');
}

/** The settings in force: flags over environment over the config file over defaults. */
export function loadSettings(flags: SettingFlags = {}, env: NodeJS.ProcessEnv = process.env): Settings & { path: string } {
  const path = settingsPath(env);
  const file = readSettingsFile(path);
  const merged: Record<string, unknown> = { ...file, limits: { ...file.limits } };
  const limits = merged.limits as Record<string, unknown>;
  for (const key of ['maxArgumentBytes', 'partialHitAllowance', 'auditRetentionDays', 'auditQuotaBytes', 'storePoolSize'] as const) {
    const fromEnv = env[SETTING_ENV[key]];
    if (fromEnv !== undefined && fromEnv !== '') limits[key] = numberFrom(fromEnv, SETTING_ENV[key]);
  }
  if (flags.maxArgumentBytes !== undefined) limits.maxArgumentBytes = numberFrom(String(flags.maxArgumentBytes), '--max-argument-bytes');
  const principal = flags.principal ?? (env[SETTING_ENV.principal] || undefined);
  if (principal !== undefined) merged.principal = principal;
  const result = settingsSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'settings';
    throw new BlindfoldError('BAD_INPUT', `settings: ${where}: ${issue?.message ?? 'invalid'} (from a flag, ${Object.values(SETTING_ENV).join('/')} or ${path})`);
  }
  return { ...result.data, path };
}

/**
 * The config file as written (validated, nothing merged), `{}` when there is none. Its errors name
 * the file and the key, never a value: a value pasted into the wrong key may be a secret.
 */
export function readSettingsFile(path: string): Partial<Settings> {
  const shown = repeatablePath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new BlindfoldError('BAD_INPUT', `the settings file ${shown} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BlindfoldError('BAD_INPUT', `the settings file ${shown} is not valid JSON`);
  }
  const shape = settingsSchema.safeParse(parsed);
  if (!shape.success) throw new BlindfoldError('BAD_INPUT', `the settings file ${shown} is not valid: ${describeIssue(shape.error.issues[0])}`);
  return parsed as Partial<Settings>;
}

/** Where and what, from a zod issue: the keys (when they may be repeated) and the rule, never the value found. */
function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return '(top level): invalid';
  const where = issue.path.map((k) => repeatable(String(k))).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown key ${issue.keys.map((k) => repeatable(k)).join(', ')} (known: ${knownKeys(issue.path).join(', ')})`;
  }
  return `${where}: ${issue.message}`;
}

function knownKeys(path: PropertyKey[]): string[] {
  return path[0] === 'limits' ? Object.keys(DEFAULT_LIMITS) : Object.keys(settingsSchema.shape);
}

function numberFrom(text: string, source: string): number {
  if (!/^\d+$/.test(text.trim())) throw new BlindfoldError('BAD_INPUT', `${source}: a whole number of bytes/days/hits is expected`);
  return Number(text.trim());
}
