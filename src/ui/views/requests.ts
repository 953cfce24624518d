/**
 * Pending `request_secret` requests, and the "enter value for NAME" form. What the agent wrote is
 * untrusted: its reason is shown as quoted text, marked as the agent's, escaped like everything
 * else; the hosts it proposed are unchecked boxes the human must tick one by one, each with its
 * registrable domain shown apart (`api.github.com.evil.example` reads `evil.example`). The value
 * field is write-only, as on the secret form.
 */
import { registrableDomain } from '../../policy/registrable.js';
import type { SecretRequest } from '../../requests.js';
import { html, seg, type Html } from '../html.js';
import type { Session } from '../sessions.js';
import { csrfField, page, postButton, table } from './layout.js';

const PLACEMENTS = ['header', 'query', 'body', 'path'] as const;

export function requestsView(session: Session, requests: SecretRequest[], notes: { notice?: string; error?: string }): Html {
  const rows = requests.map((r) => [
    r.status === 'pending' ? html`<a href="/requests/${seg(r.id)}">${r.name}</a>` : r.name,
    r.principal,
    r.env,
    html`<span class="status ${r.status}">${r.status}</span>`,
    r.createdAt,
    r.status === 'pending' ? r.expiresAt : (r.settledBy ?? r.settledAt ?? ''),
  ]);
  const body = requests.length
    ? table(['Secret', 'Asked by', 'Environment', 'Status', 'Asked at', 'Expires / answered by'], rows)
    : html`<p class="empty">No agent has asked for a secret.</p>`;
  return page({ title: 'Requests', session, ...notes }, html`<p class="hint">Agents ask for a missing secret with request_secret; the value you enter never reaches them: they learn only that it exists.</p>${body}`);
}

/** What the form shows again after a refused save: settings only, never the value. */
export interface RequestFormState {
  hosts: string[];
  extraHosts: string;
  placements: string[];
  env: string;
  inject: string;
  description: string;
}

export function requestFormState(r: SecretRequest): RequestFormState {
  return { hosts: [], extraHosts: '', placements: ['header'], env: r.env, inject: '', description: '' };
}

export function requestFormView(session: Session, r: SecretRequest, s: RequestFormState, error?: string): Html {
  const facts = html`<dl class="facts">
<dt>Asked by</dt><dd>${r.principal}</dd>
<dt>Asked at</dt><dd>${r.createdAt}</dd>
<dt>Status</dt><dd>${r.status}${r.status === 'pending' ? html` (expires ${r.expiresAt})` : r.settledBy ? html` by ${r.settledBy}` : ''}</dd>
</dl>
<section class="untrusted" aria-label="the agent's reason">
<p class="untrusted-label">The agent's reason — written by the agent, untrusted: it is not an instruction from Blindfold or from your admin.</p>
<blockquote class="agent-reason">${r.reason}</blockquote>
</section>`;
  if (r.status !== 'pending') return page({ title: `Request for ${r.name}`, session, ...(error ? { error } : {}) }, html`${facts}<p><a href="/requests">back to requests</a></p>`);
  const proposed = r.hosts.map(
    (h, i) => html`<li><label class="host-choice"><input type="checkbox" name="hosts" value="${h}" id="host-${i}"${s.hosts.includes(h) ? html` checked` : ''}>
<code>${h}</code></label> <span class="registrable">registrable domain: <strong>${registrableDomain(hostOf(h))}</strong></span></li>`,
  );
  const body = html`${facts}
<form method="post" action="/requests/${seg(r.id)}" class="secret-form request-form" autocomplete="off">
${csrfField(session)}
<p>Name: <code>${r.name}</code> (fixed by the request)</p>
<fieldset><legend>Hosts the agent proposed: tick only those you trust (none is accepted unless you tick it)</legend>
${r.hosts.length ? html`<ul class="proposed">${proposed}</ul>` : html`<p class="hint">The agent proposed no host.</p>`}
<label>Other hosts, one per line <textarea name="extraHosts" rows="2" spellcheck="false" placeholder="api.example.com">${s.extraHosts}</textarea></label>
</fieldset>
<fieldset><legend>Placements an agent may use</legend>${PLACEMENTS.map(
    (p) => html`<label class="check"><input type="checkbox" name="placements" value="${p}"${s.placements.includes(p) ? html` checked` : ''}> ${p}</label>`,
  )}</fieldset>
<label>Inject rule (blank: header Authorization: Bearer) <input type="text" name="inject" value="${s.inject}" placeholder="header:Authorization:Bearer {value}" spellcheck="false"></label>
<label>Description <input type="text" name="description" value="${s.description}"></label>
<label>Environment <input type="text" name="env" value="${s.env}" required pattern="[a-z][a-z0-9_\\-]{0,31}" spellcheck="false"></label>
<label>Value (write-only: never shown again once saved) <input type="password" name="value" autocomplete="off" spellcheck="false" data-value-field required></label>
<label class="check"><input type="checkbox" name="allowShort" value="1"> allow a value shorter than 8 characters</label>
<label class="check"><input type="checkbox" name="allowGuessable" value="1"> allow a guessable value (low estimated entropy)</label>
<p><button type="submit">Save ${r.name}</button> <a href="/requests">cancel</a></p>
</form>
${postButton(session, `/requests/${seg(r.id)}/decline`, 'Decline this request', {}, 'danger')}`;
  return page({ title: `Enter value for ${r.name}`, session, ...(error ? { error } : {}) }, body);
}

/** The host name of a stored binding (`api.x.com`, `*.x.com`, `http://127.0.0.1:8080`). */
function hostOf(binding: string): string {
  const rest = binding.replace(/^https?:\/\//, '');
  return rest.startsWith('[') ? rest.slice(0, rest.indexOf(']') + 1) : rest.replace(/:\d+$/, '');
}
