import type { Command } from 'commander';
import { AUDIT_ACTIONS, type AuditEntry } from '../../audit/chain.js';
import { matches, parseSince, type AuditFilter } from '../../store/audit/query.js';
import { fileHomeState } from '../../store/home-state.js';
import { BlindfoldError } from '../../errors.js';
import { vaultNotFound } from '../../vault/open.js';
import { vaultFileExists } from '../../vault/store.js';
import { action, EXIT, globalOptions, openVault, pathsFor } from '../context.js';
import { readyTrail, type AuditReader } from '../../audit/trail.js';
import { chooseStoreUrl } from '../../store/choice.js';
import { escapeControls, note, printJson, printLine, printTable, toJson } from '../io.js';
import type { AuditFollower } from '../../store/audit/follow.js';
import { openAdmin } from '../admin.js';
import { adminHint } from '../admin-hints.js';

interface AuditOptions {
  since?: string;
  secret?: string;
  action?: string;
  principal?: string;
  json?: boolean;
  jsonl?: boolean;
  follow?: boolean;
}

/** `blindfold audit`, as declared in ../definitions.ts. */
export const auditAction = action(async (opts: AuditOptions, cmd: Command) => {
  if (opts.action && !(AUDIT_ACTIONS as readonly string[]).includes(opts.action)) {
    throw new BlindfoldError('BAD_INPUT', `unknown action (not repeated here); one of ${AUDIT_ACTIONS.join(', ')}`);
  }
  const paths = pathsFor(cmd);
  const onPostgres = chooseStoreUrl(globalOptions(cmd).store) !== undefined;
  // The trail is read without the key, but a missing vault still means a wrong home, not "no entries".
  if (!onPostgres && !vaultFileExists(paths.vault)) throw vaultNotFound(paths.vault);
  const filter: AuditFilter = {
    since: opts.since ? parseSince(opts.since) : undefined,
    secret: opts.secret,
    action: opts.action,
    principal: opts.principal,
  };
  if (opts.follow) {
    const url = chooseStoreUrl(globalOptions(cmd).store);
    const start: StartFollow = url
      ? async (show, failed) => (await import('../../store/postgres/audit-follow.js')).followPostgresAudit(url, show, failed, { onUnavailable: (down) => note(down ? 'the database is unavailable; waiting for it (nothing is skipped)' : 'the database is back; following again') })
      : async (show, failed) => (await import('../../store/audit/follow.js')).followAudit(paths.audit, show, failed);
    return follow(start, filter, opts.json || opts.jsonl ? 'lines' : 'table');
  }
  const entries = (onPostgres ? await postgresTrail(cmd) : fileHomeState(paths).auditReader()).query(filter);
  // --json is one document like every other command's; lines stay available for streams.
  if (opts.json) return printJson(entries);
  if (opts.jsonl) {
    for (const e of entries) printLine(toJson(e));
    return;
  }
  if (entries.length === 0) return printLine('no matching audit entries');
  printTable(HEADERS, entries.map(rowOf));
});

const HEADERS = ['TIME', 'SEQ', 'ACTION', 'PRINCIPAL', 'SECRETS', 'REQUEST', 'OUTCOME'];

/**
 * Entries' text is whatever the file holds (an agent chose the path; a hand-edited line can hold
 * anything): the printers escape control characters, and a non-string becomes text first.
 */
function rowOf(e: AuditEntry): string[] {
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return [
    text(e.time),
    typeof e.seq === 'number' ? String(e.seq) : 'unsigned',
    text(e.action),
    text(e.principal),
    (Array.isArray(e.secrets) ? e.secrets.map(text) : []).join(',') || '-',
    e.origin ? `${text(e.method)} ${text(e.origin)}${text(e.path)}${e.status ? ` → ${text(e.status)}` : ''}` : '-',
    withFix(e.reason ? `${text(e.outcome)}: ${text(e.reason)}` : text(e.outcome), e),
  ];
}

/**
 * `audit --follow`: the matching entries so far, then each new one as it is written, until
 * SIGINT or SIGTERM, which end it quietly with 0 (a closed pipe does too: io.ts). Lines, never one
 * JSON document, since the output has no end. A table's columns keep the widths of its first rows.
 */
async function follow(start: StartFollow, filter: AuditFilter, format: 'lines' | 'table'): Promise<void> {
  let widths: number[] | undefined;
  const show = (entries: AuditEntry[]) => {
    const shown = entries.filter((e) => matches(e, filter));
    if (format === 'lines') {
      for (const e of shown) printLine(toJson(e));
      return;
    }
    const rows = shown.map((r) => rowOf(r).map((c) => escapeControls(c)));
    if (!widths) {
      // Room for the longest action name and a seq of six digits, as later rows will need.
      const least = [0, 6, Math.max(...AUDIT_ACTIONS.map((a) => a.length))];
      widths = HEADERS.map((h, i) => Math.max(h.length, least[i] ?? 0, ...rows.map((r) => r[i]!.length)));
      rows.unshift(HEADERS);
    }
    for (const row of rows) printLine(row.map((c, i) => c.padEnd(widths![i]!)).join('  ').trimEnd());
  };
  await new Promise<void>((resolve, reject) => {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    let follower: AuditFollower | undefined;
    let ended = false;
    const end = () => {
      ended = true;
      for (const s of signals) process.removeListener(s, end);
      follower?.stop();
      resolve();
    };
    for (const s of signals) process.once(s, end);
    const failed = (err: unknown) => {
      for (const s of signals) process.removeListener(s, end);
      reject(err);
    };
    start(show, failed).then((f) => {
      follower = f;
      if (ended) f.stop();
    }, failed);
  });
}

/** Starts following a trail: the file of a home, or the chain's table on PostgreSQL. */
type StartFollow = (show: (entries: AuditEntry[]) => void, failed: (err: unknown) => void) => Promise<AuditFollower>;

/** A refusal's fix, for the admin's eyes (the agent was told only who decides). */
function withFix(outcome: string, e: { outcome?: unknown; action?: unknown; reason?: unknown; secrets?: unknown; principal?: unknown }): string {
  const code = e.action === 'request.attack' ? 'PRINCIPAL_SUSPENDED' : e.outcome === 'denied' && typeof e.reason === 'string' ? /^[A-Z_]+/.exec(e.reason)?.[0] : undefined;
  const secrets = Array.isArray(e.secrets) ? e.secrets.filter((s): s is string => typeof s === 'string') : undefined;
  const hint = code ? adminHint({ code, ...(secrets ? { secrets } : {}), ...(typeof e.principal === 'string' ? { principal: e.principal } : {}) }) : undefined;
  return hint ? `${outcome} — fix: ${hint}` : outcome;
}

/** `blindfold audit verify`, as declared in ../definitions.ts. */
export const auditVerifyAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  // `audit` has its own --json, which commander hands to the parent when both are given.
  const json = opts.json ?? (cmd.parent?.opts() as { json?: boolean } | undefined)?.json;
  // A change cut short by a crash is settled first (its entries get their store.abort), so the
  // pairing of entries with changes is checked against the store as it really is.
  const { admin, audit } = await openAdmin(cmd);
  const revision = await admin.settle();
  // Rows read now, after the settle (PostgreSQL holds read entries for a while only).
  const result = (await readyTrail(audit)).verify(revision);
  if (json) printJson(result);
  else if (result.ok) {
    printLine(
      `ok: ${result.entries} entries, chain intact${result.startsAfterGenesis ? ' (older rotated files were removed)' : ''}` +
        `${result.unsignedNotices ? `; ${result.unsignedNotices} unsigned vault.sealed notice(s) outside the chain` : ''}`,
    );
  }
  else printLine(escapeControls(`TAMPERED: ${result.problem} (${result.entries} entries verified before it)`));
  if (!result.ok) process.exitCode = EXIT.error;
});

/** The trail in a PostgreSQL store: its rows are read through the vault's own connection. */
async function postgresTrail(cmd: Command): Promise<AuditReader> {
  const vault = await openVault(cmd);
  const trail = await readyTrail(vault.state.auditReader());
  process.once('beforeExit', () => void vault.close());
  return trail;
}
