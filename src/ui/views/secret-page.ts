/** One secret: metadata, policy, environments, versions with rollback, usage, tasks, tokens and its audit entries. Never a value. */
import { basename } from 'node:path';
import type { AuditEntry } from '../../audit/chain.js';
import type { HistoryInfo, SecretInfo } from '../../vault/vault.js';
import { html, seg, type Html } from '../html.js';
import type { Session } from '../sessions.js';
import { page, postButton, table } from './layout.js';
import { auditRows, AUDIT_HEADERS } from './audit.js';

export interface SecretDetail {
  info: SecretInfo;
  history: HistoryInfo[];
  lastUsedAt: string | null;
  useCount: number;
  tasks: Array<{ name: string; file: string }>;
  tokens: string[];
  entries: AuditEntry[];
}

export function secretPageView(session: Session, d: SecretDetail, notes: { notice?: string; error?: string }): Html {
  const { info } = d;
  const path = `/secrets/${seg(info.name)}`;
  const facts: Array<[string, Html | string]> = [
    ['Description', info.description || '(none)'],
    ['Environments with a value', info.environments.join(', ') || '(none)'],
    ['Hosts', info.hosts.length ? html`<ul>${info.hosts.map((h) => html`<li><code>${h}</code></li>`)}</ul>` : '(none: cannot be sent anywhere)'],
    ['Placements', info.placements.join(', ')],
    ['Inject rule', html`<code>${info.inject}</code>`],
    ['Public', info.public ? 'yes (redacted, never a tripwire)' : 'no'],
    ['Version', String(info.version)],
    ['Created', info.createdAt],
    ['Updated', info.updatedAt],
    ['Used', d.useCount ? `${d.useCount} time(s), last at ${d.lastUsedAt}` : 'never (per the audit trail)'],
    ['Tasks that use it', d.tasks.length ? d.tasks.map((t) => `${t.name} (${basename(t.file)})`).join(', ') : '(none)'],
    ['Tokens that may use it', d.tokens.join(', ') || '(none)'],
    ...Object.entries(info.metadata).map(([k, v]): [string, string] => [`meta.${k}`, v]),
  ];
  const versions = table(
    ['Version', 'Saved', 'Environments', ''],
    [...d.history]
      .sort((a, b) => b.version - a.version)
      .map((h) => [String(h.version), h.updatedAt, h.environments.join(', '), h.current ? 'current' : postButton(session, `${path}/rollback`, `Roll back to ${h.version}`, { version: String(h.version) })]),
  );
  const body = html`<p class="actions"><a class="button" href="${path}/edit">Edit</a> <a class="button danger" href="${path}/delete">Delete…</a></p>
<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<h2>Versions</h2>
<p class="hint">A rollback makes an earlier version current again, as a new version; nothing is lost.</p>
${versions}
<h2>Audit trail</h2>
${d.entries.length ? table(AUDIT_HEADERS, auditRows(d.entries.slice(-100).reverse()), 'audit') : html`<p class="empty">No entries name this secret.</p>`}`;
  return page({ title: info.name, session, ...notes }, body);
}
