/** The confirmation step of a delete: what uses the secret (tasks, tokens), when it was last used. */
import { basename } from 'node:path';
import { html, seg, type Html } from '../html.js';
import type { Session } from '../sessions.js';
import { csrfField, page } from './layout.js';

export interface DeleteFacts {
  name: string;
  tasks: Array<{ name: string; file: string }>;
  tokens: string[];
  lastUsedAt: string | null;
  /** Why the core would refuse without `force` (src/admin.ts), as it says it. */
  inUse: boolean;
}

export function deleteView(session: Session, f: DeleteFacts, error?: string): Html {
  const path = `/secrets/${seg(f.name)}`;
  const body = html`<div class="confirm" role="alertdialog" aria-labelledby="confirm-title">
<h2 id="confirm-title">Delete ${f.name} and all its versions?</h2>
<ul class="uses">
<li>Tasks that use it: ${f.tasks.length ? f.tasks.map((t) => `${t.name} (${basename(t.file)})`).join(', ') : 'none'}</li>
<li>Tokens whose secret globs match it: ${f.tokens.join(', ') || 'none'}</li>
<li>Last used: ${f.lastUsedAt ?? 'never (per the audit trail)'}</li>
</ul>
${f.inUse ? html`<p class="warning" role="alert">It is in use: tasks name it or it was used in the last 7 days. Deleting it breaks them.</p>` : ''}
<p class="hint">Its values stay redacted and keep tripping the wire (their fingerprints are remembered).</p>
<form method="post" action="${path}/delete">
${csrfField(session)}
${f.inUse ? html`<label class="check"><input type="checkbox" name="force" value="1" required> delete it although it is in use</label>` : ''}
<p><button type="submit" class="danger">Delete ${f.name}</button> <a href="${path}">cancel</a></p>
</form></div>`;
  return page({ title: `Delete ${f.name}`, session, ...(error ? { error } : {}) }, body);
}
