import type { Command } from 'commander';
import { AUDIT_ACTIONS } from '../../audit/chain.js';
import { parseSince } from '../../store/audit/query.js';
import { fileHomeState } from '../../store/home-state.js';
import { BlindfoldError } from '../../errors.js';
import { vaultNotFound } from '../../vault/open.js';
import { vaultFileExists } from '../../vault/store.js';
import { action, EXIT, openVault, pathsFor } from '../context.js';
import { escapeControls, printJson, printLine, printTable, toJson } from '../io.js';
import { openAdmin } from '../admin.js';
import { adminHint } from '../admin-hints.js';

interface AuditOptions {
  since?: string;
  secret?: string;
  action?: string;
  principal?: string;
  json?: boolean;
  jsonl?: boolean;
}

/** `blindfold audit`, as declared in ../definitions.ts. */
export const auditAction = action((opts: AuditOptions, cmd: Command) => {
  if (opts.action && !(AUDIT_ACTIONS as readonly string[]).includes(opts.action)) {
    throw new BlindfoldError('BAD_INPUT', `unknown action (not repeated here); one of ${AUDIT_ACTIONS.join(', ')}`);
  }
  const paths = pathsFor(cmd);
  // The trail is read without the key, but a missing vault still means a wrong home, not "no entries".
  if (!vaultFileExists(paths.vault)) throw vaultNotFound(paths.vault);
  const entries = fileHomeState(paths).auditReader().query({
    since: opts.since ? parseSince(opts.since) : undefined,
    secret: opts.secret,
    action: opts.action,
    principal: opts.principal,
  });
  // --json is one document like every other command's; lines stay available for streams.
  if (opts.json) return printJson(entries);
  if (opts.jsonl) {
    for (const e of entries) printLine(toJson(e));
    return;
  }
  if (entries.length === 0) return printLine('no matching audit entries');
  // Entries' text is whatever the file holds (an agent chose the path; a hand-edited line can
  // hold anything): printTable escapes control characters, and a non-string becomes text first.
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  printTable(
    ['TIME', 'SEQ', 'ACTION', 'PRINCIPAL', 'SECRETS', 'REQUEST', 'OUTCOME'],
    entries.map((e) => [
      text(e.time),
      typeof e.seq === 'number' ? String(e.seq) : 'unsigned',
      text(e.action),
      text(e.principal),
      (Array.isArray(e.secrets) ? e.secrets.map(text) : []).join(',') || '-',
      e.origin ? `${text(e.method)} ${text(e.origin)}${text(e.path)}${e.status ? ` → ${text(e.status)}` : ''}` : '-',
      withFix(e.reason ? `${text(e.outcome)}: ${text(e.reason)}` : text(e.outcome), e),
    ]),
  );
});

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
  const result = audit.verify(await admin.settle());
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
