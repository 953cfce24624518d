/** Suspensions (with "clear") and agent tokens (create shows the token once, list, revoke). */
import type { TokenInfo } from '../../vault/tokens.js';
import { html, seg, type Html } from '../html.js';
import type { Session } from '../sessions.js';
import { csrfField, page, postButton, table } from './layout.js';

export function suspensionsView(session: Session, entries: Array<{ principal: string; since: string; reason: string }>, notes: { notice?: string; error?: string }): Html {
  const body = entries.length
    ? table(['Principal', 'Since', 'Reason', ''], entries.map((e) => [e.principal, e.since, e.reason, postButton(session, '/suspensions/clear', 'Clear', { principal: e.principal })]))
    : html`<p class="empty">No principal is suspended.</p>`;
  return page({ title: 'Suspensions', session, ...notes }, html`<p class="hint">Review the audit trail (action request.attack) before clearing.</p>${body}`);
}

export function tokensView(session: Session, tokens: TokenInfo[], notes: { notice?: string; error?: string }, created?: { name: string; token: string }): Html {
  const now = Date.now();
  const rows = tokens.map((t) => [
    t.name,
    t.secrets.join(', ') || '(none)',
    t.tasks.join(', ') || '(none)',
    t.env ?? "(server's)",
    t.admin ? 'yes' : 'no',
    t.ratePerMinute ? `${t.ratePerMinute}/min` : 'default',
    t.createdAt,
    t.expiresAt ? `${t.expiresAt}${Date.parse(t.expiresAt) <= now ? ' (expired)' : ''}` : 'never',
    postButton(session, `/tokens/${seg(t.name)}/revoke`, 'Revoke', {}, 'danger'),
  ]);
  const body = html`${created
    ? html`<section class="created" role="status"><h2>Token ${created.name} created</h2>
<p>It is shown once, now: store it where the agent reads it. Only its keyed hash is kept.</p>
<p><input type="text" readonly value="${created.token}" id="new-token" class="token" autocomplete="off" spellcheck="false"> <button type="button" data-copy="new-token">Copy</button></p></section>`
    : ''}
${rows.length ? table(['Name', 'Secrets', 'Tasks', 'Env', 'Admin', 'Rate', 'Created', 'Expires', ''], rows, 'tokens') : html`<p class="empty">No agent tokens.</p>`}
<h2>New token</h2>
<form method="post" action="/tokens" class="token-form" autocomplete="off">
${csrfField(session)}
<label>Name <input type="text" name="name" required pattern="[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}" spellcheck="false"></label>
<label>Secret globs, one per line <textarea name="secrets" rows="2" spellcheck="false" placeholder="GITHUB_*"></textarea></label>
<label>Task globs, one per line <textarea name="tasks" rows="2" spellcheck="false"></textarea></label>
<label>Environment <input type="text" name="env" placeholder="the server's" spellcheck="false"></label>
<label>Expires <input type="text" name="expires" placeholder="30d, 12h, 2027-01-31" class="short"></label>
<label>Rate <input type="text" name="rate" placeholder="60/min" class="short"></label>
<label class="check"><input type="checkbox" name="admin" value="1"> may open the admin page</label>
<p><button type="submit">Create token</button></p>
</form>`;
  return page({ title: 'Agent tokens', session, ...notes }, body);
}

export function messageView(title: string, message: string, session?: Session): Html {
  return page({ title, ...(session ? { session } : {}) }, html`<p>${message}</p>`);
}
