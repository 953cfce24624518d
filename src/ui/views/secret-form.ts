/**
 * Create and edit. Value fields are write-only: `type=password`, `autocomplete=off`, and never
 * given a `value` attribute — not when editing, not when a save failed and the form is shown again.
 * Blank on edit means "keep".
 */
import type { SecretInfo } from '../../vault/vault.js';
import { PRESETS } from '../../policy/presets.js';
import { html, seg, type Html } from '../html.js';
import type { Session } from '../sessions.js';
import { csrfField, page } from './layout.js';

const PLACEMENTS = ['header', 'query', 'body', 'path'] as const;

/** What the form shows again after a refused save: settings only, never a value. */
export interface FormSettings {
  name: string;
  description: string;
  hosts: string;
  placements: string[];
  inject: string;
  metadata: string;
  public: boolean;
  preset: string;
}

export function settingsOf(info: SecretInfo): FormSettings {
  return {
    name: info.name,
    description: info.description,
    hosts: info.hosts.join('\n'),
    placements: info.placements,
    inject: info.inject,
    metadata: Object.entries(info.metadata).map(([k, v]) => `${k}=${v}`).join('\n'),
    public: info.public,
    preset: '',
  };
}

export const EMPTY_SETTINGS: FormSettings = { name: '', description: '', hosts: '', placements: ['header'], inject: '', metadata: '', public: false, preset: '' };

export function secretFormView(session: Session, mode: 'create' | 'edit', s: FormSettings, envs: string[], existing: SecretInfo | undefined, error?: string): Html {
  const action = mode === 'create' ? '/secrets' : `/secrets/${seg(s.name)}`;
  const has = (env: string) => existing?.environments.includes(env) ?? false;
  const valueRow = (env: string) => html`<tr><th scope="row"><label for="value-${env}">${env}</label></th>
<td><input type="password" id="value-${env}" name="value:${env}" autocomplete="off" spellcheck="false" data-value-field></td>
<td class="hint">${mode === 'edit' ? (has(env) ? 'has a value — blank keeps it' : 'no value — blank leaves none') : ''}</td></tr>`;
  const body = html`<form method="post" action="${action}" class="secret-form" autocomplete="off">
${csrfField(session)}
${mode === 'create'
  ? html`<label>Name <input type="text" name="name" value="${s.name}" required pattern="[A-Za-z][A-Za-z0-9_]{0,63}" autocomplete="off" spellcheck="false"></label>`
  : html`<p>Name: <code>${s.name}</code> (rename it from the CLI: <code>blindfold rename</code>)</p>`}
<label>Description <input type="text" name="description" value="${s.description}"></label>
<label>Preset <select name="preset"><option value="">none</option>${Object.values(PRESETS).map(
    (p) => html`<option value="${p.id}"${p.id === s.preset ? html` selected` : ''}>${p.id} — ${p.hosts.join(', ')}</option>`,
  )}</select> <span class="hint">fills hosts and the inject rule where those fields are left blank</span></label>
<label>Hosts, one per line <textarea name="hosts" rows="3" spellcheck="false" placeholder="api.example.com">${s.hosts}</textarea></label>
<fieldset><legend>Placements an agent may use</legend>${PLACEMENTS.map(
    (p) => html`<label class="check"><input type="checkbox" name="placements" value="${p}"${s.placements.includes(p) ? html` checked` : ''}> ${p}</label>`,
  )}</fieldset>
<label>Inject rule <input type="text" name="inject" value="${s.inject}" placeholder="header:Authorization:Bearer {value}" spellcheck="false"></label>
<label>Metadata, key=value per line <textarea name="metadata" rows="2" spellcheck="false">${s.metadata}</textarea></label>
<label class="check"><input type="checkbox" name="public" value="1"${s.public ? html` checked` : ''}> public by design (a publishable key: still host-bound and redacted, never a tripwire)</label>
<fieldset><legend>Values (write-only: never shown again once saved)</legend>
<table class="values">${envs.map(valueRow)}
<tr><th scope="row"><input type="text" name="newenv" placeholder="another environment" aria-label="another environment" pattern="[a-z][a-z0-9_\\-]{0,31}" spellcheck="false"></th>
<td><input type="password" name="newvalue" autocomplete="off" spellcheck="false" aria-label="value for that environment" data-value-field></td><td></td></tr>
</table>
<label class="check"><input type="checkbox" name="allowShort" value="1"> allow a value shorter than 8 characters</label>
<label class="check"><input type="checkbox" name="allowGuessable" value="1"> allow a guessable value (low estimated entropy)</label>
</fieldset>
<p><button type="submit">${mode === 'create' ? 'Create' : 'Save'}</button> <a href="${mode === 'create' ? '/secrets' : action}">cancel</a></p>
</form>`;
  return page({ title: mode === 'create' ? 'New secret' : `Edit ${s.name}`, session, ...(error ? { error } : {}) }, body);
}
