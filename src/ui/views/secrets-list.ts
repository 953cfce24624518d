/** The secrets list: search and filters, then one row per secret and the environment matrix. */
import { html, seg, type Html } from '../html.js';
import type { Session } from '../sessions.js';
import type { SecretInfo } from '../../vault/vault.js';
import { page, table } from './layout.js';

export interface ListedSecret extends SecretInfo {
  lastUsedAt: string | null;
  useCount: number;
}

export interface ListFilters {
  q: string;
  env: string;
  host: string;
  unused: string;
}

const DEFAULT = 'default';

export function secretsListView(session: Session, secrets: ListedSecret[], all: readonly SecretInfo[], filters: ListFilters, notes: { notice?: string; error?: string }): Html {
  const envs = environmentsOf(all);
  const rows = secrets.map((s) => [
    html`<a href="/secrets/${seg(s.name)}">${s.name}</a>`,
    s.description,
    s.environments.join(', '),
    s.hosts.join(', ') || '(none: cannot be sent)',
    String(s.version),
    s.lastUsedAt ? `${s.lastUsedAt} (${s.useCount}×)` : 'never',
  ]);
  const filtered = filters.q || filters.env || filters.host || filters.unused;
  const body = html`<form method="get" action="/secrets" class="filters" role="search">
<label>Search <input type="search" name="q" value="${filters.q}" placeholder="name or description"></label>
<label>Environment <select name="env"><option value="">any</option>${envs.filter((e) => e !== DEFAULT).map(
    (e) => html`<option value="${e}"${e === filters.env ? html` selected` : ''}>${e}</option>`,
  )}</select></label>
<label>Host <input type="text" name="host" value="${filters.host}" placeholder="api.example.com"></label>
<label>Unused for <input type="number" name="unused" min="1" max="3650" value="${filters.unused}" class="short"> days</label>
<button type="submit">Filter</button> <a href="/secrets">clear</a>
</form>
${rows.length
  ? table(['Name', 'Description', 'Environments', 'Hosts', 'Version', 'Last used'], rows, 'secrets')
  : html`<p class="empty">${filtered ? 'No secret matches these filters.' : html`No secrets yet. <a href="/secrets/new">Create one</a>.`}</p>`}
<h2>Environment matrix</h2>
<p class="hint">Which environments have a value. A secret with a default value is used in every environment that has none of its own.</p>
${matrix(all, envs)}`;
  return page({ title: 'Secrets', session, ...notes }, body);
}

/** Every environment named by a secret, the common three among them, `default` first. */
export function environmentsOf(secrets: readonly SecretInfo[]): string[] {
  const named = new Set(['development', 'staging', 'production', ...secrets.flatMap((s) => s.environments)]);
  named.delete(DEFAULT);
  return [DEFAULT, ...[...named].sort()];
}

function matrix(secrets: readonly SecretInfo[], envs: string[]): Html {
  if (secrets.length === 0) return html`<p class="empty">Nothing to show yet.</p>`;
  const cell = (s: SecretInfo, env: string) => {
    if (s.environments.includes(env)) return html`<span class="has">value</span>`;
    if (env !== DEFAULT && s.environments.includes(DEFAULT)) return html`<span class="fallback">default</span>`;
    return html`<span class="missing">missing</span>`;
  };
  return table(['Secret', ...envs], secrets.map((s) => [html`<a href="/secrets/${seg(s.name)}">${s.name}</a>`, ...envs.map((e) => cell(s, e))]), 'matrix');
}
