/** The audit trail page: filters, the `verify` status, the entries newest first. */
import type { AuditEntry } from '../../audit/chain.js';
import type { VerifyResult } from '../../audit/trail.js';
import { html, type Html, type Part } from '../html.js';
import type { Session } from '../sessions.js';
import { page, table } from './layout.js';

export const AUDIT_HEADERS = ['Time', 'Seq', 'Action', 'Principal', 'Secrets', 'Request', 'Outcome'];

export interface AuditFilters {
  secret: string;
  action: string;
  principal: string;
  since: string;
}

/** Entries' fields are whatever the file holds (an agent chose the paths): text only, escaped by the template. */
export function auditRows(entries: AuditEntry[]): Part[][] {
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return entries.map((e) => [
    text(e.time),
    typeof e.seq === 'number' ? String(e.seq) : 'unsigned',
    text(e.action),
    text(e.principal),
    (Array.isArray(e.secrets) ? e.secrets.map(text) : []).join(', ') || '-',
    e.origin ? `${text(e.method)} ${text(e.origin)}${text(e.path)}${e.status ? ` → ${text(e.status)}` : ''}` : '-',
    e.reason ? `${text(e.outcome)}: ${text(e.reason)}` : text(e.outcome),
  ]);
}

export function auditView(session: Session, verify: VerifyResult, entries: AuditEntry[], total: number, filters: AuditFilters, actions: readonly string[], error?: string): Html {
  const status = verify.ok
    ? html`<p class="verify ok">verify: ok — ${verify.entries} entries, chain intact${verify.startsAfterGenesis ? ' (older rotated files were removed)' : ''}</p>`
    : html`<p class="verify bad" role="alert">verify: TAMPERED — ${verify.problem ?? 'unknown problem'} (${verify.entries} entries verified before it)</p>`;
  const body = html`${status}
<form method="get" action="/audit" class="filters">
<label>Secret <input type="text" name="secret" value="${filters.secret}"></label>
<label>Action <select name="action"><option value="">any</option>${actions.map((a) => html`<option value="${a}"${a === filters.action ? html` selected` : ''}>${a}</option>`)}</select></label>
<label>Principal <input type="text" name="principal" value="${filters.principal}"></label>
<label>Since <input type="text" name="since" value="${filters.since}" placeholder="1h, 7d, 2026-01-31" class="short"></label>
<button type="submit">Filter</button> <a href="/audit">clear</a>
</form>
<p class="hint">Showing the newest ${entries.length} of ${total} matching entries.</p>
${entries.length ? table(AUDIT_HEADERS, auditRows(entries), 'audit') : html`<p class="empty">No matching entries.</p>`}`;
  return page({ title: 'Audit trail', session, ...(error ? { error } : {}) }, body);
}
