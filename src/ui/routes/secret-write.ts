/**
 * Writing: create, edit, delete (after a confirmation step that lists what uses the secret) and
 * rollback, each through the core's admin operations (src/admin.ts) under `ui:<login id>`, so
 * each is audited before it lands. A value entered here goes to `set` and nowhere else: every
 * answer is a redirect or the form again, and the form never carries a value back.
 */
import type { Hono } from 'hono';
import { RECENT_USE_MS } from '../../admin.js';
import { BlindfoldError } from '../../errors.js';
import { getPreset } from '../../policy/presets.js';
import { secretInScope } from '../../policy/scope.js';
import { validateSetInput, type SecretInfo, type SetSecretInput } from '../../vault/vault.js';
import { tasksUsing, type UiBackend } from '../backend.js';
import { field, fields, lines, messageOf, principalOf, type UiContext, type UiEnv } from '../context.js';
import { seg } from '../html.js';
import { messageView } from '../views/access.js';
import { deleteView, type DeleteFacts } from '../views/secret-delete.js';
import { EMPTY_SETTINGS, secretFormView, settingsOf, type FormSettings } from '../views/secret-form.js';
import { environmentsOf } from '../views/secrets-list.js';

export function secretWriteRoutes(app: Hono<UiEnv>, backend: UiBackend): void {
  const adminOf = (c: UiContext) => backend.admin(principalOf(c.get('session')));
  const envsFor = async (c: UiContext) => environmentsOf(await adminOf(c).list());
  const find = async (c: UiContext, name: string) => (await adminOf(c).list()).find((s) => s.name === name);
  const notFound = (c: UiContext) => c.html(messageView('Not found', 'There is no secret by that name.', c.get('session')).toString(), 404);

  app.get('/secrets/new', async (c) => c.html(secretFormView(c.get('session'), 'create', EMPTY_SETTINGS, await envsFor(c), undefined).toString()));

  app.post('/secrets', async (c) => {
    const settings = formSettings(c);
    try {
      const changes = changesFrom(c, settings, 'create');
      if (!changes.some((ch) => ch.value !== undefined)) throw new BlindfoldError('BAD_INPUT', 'enter a value for at least one environment');
      await apply(adminOf(c), changes);
      return c.redirect(`/secrets/${seg(settings.name)}?ok=created`, 303);
    } catch (err) {
      return c.html(secretFormView(c.get('session'), 'create', settings, await envsFor(c), undefined, messageOf(err)).toString(), 400);
    }
  });

  app.get('/secrets/:name/edit', async (c) => {
    const info = await find(c, c.req.param('name'));
    if (!info) return notFound(c);
    return c.html(secretFormView(c.get('session'), 'edit', settingsOf(info), await envsFor(c), info).toString());
  });

  app.post('/secrets/:name', async (c) => {
    const info = await find(c, c.req.param('name'));
    if (!info) return notFound(c);
    const settings = { ...formSettings(c), name: info.name };
    try {
      await apply(adminOf(c), changesFrom(c, settings, 'edit'));
      return c.redirect(`/secrets/${seg(info.name)}?ok=saved`, 303);
    } catch (err) {
      return c.html(secretFormView(c.get('session'), 'edit', settings, await envsFor(c), info, messageOf(err)).toString(), 400);
    }
  });

  app.get('/secrets/:name/delete', async (c) => {
    const info = await find(c, c.req.param('name'));
    if (!info) return notFound(c);
    return c.html(deleteView(c.get('session'), await deleteFacts(c, info)).toString());
  });

  app.post('/secrets/:name/delete', async (c) => {
    const info = await find(c, c.req.param('name'));
    if (!info) return notFound(c);
    try {
      await adminOf(c).remove(info.name, { force: field(c, 'force') === '1' });
      return c.redirect('/secrets?ok=deleted', 303);
    } catch (err) {
      return c.html(deleteView(c.get('session'), await deleteFacts(c, info), messageOf(err)).toString(), 409);
    }
  });

  app.post('/secrets/:name/rollback', async (c) => {
    const info = await find(c, c.req.param('name'));
    if (!info) return notFound(c);
    try {
      const version = Number(field(c, 'version'));
      if (!Number.isInteger(version) || version < 1) throw new BlindfoldError('BAD_INPUT', 'the version to roll back to is a whole number');
      await adminOf(c).rollback(info.name, version);
      return c.redirect(`/secrets/${seg(info.name)}?ok=rolledback`, 303);
    } catch (err) {
      return c.html(messageView('Rollback refused', messageOf(err), c.get('session')).toString(), 400);
    }
  });

  async function deleteFacts(c: UiContext, info: SecretInfo): Promise<DeleteFacts> {
    const tasks = tasksUsing(backend, info.name);
    const tokens = (await adminOf(c).tokens()).filter((t) => secretInScope({ secrets: t.secrets }, info.name)).map((t) => t.name);
    const lastUsedAt = backend.trail.usage().get(info.name)?.lastUsedAt ?? null;
    const recent = lastUsedAt !== null && Date.parse(lastUsedAt) >= Date.now() - RECENT_USE_MS;
    return { name: info.name, tasks, tokens, lastUsedAt, inUse: tasks.length > 0 || recent };
  }
}

/** The form's settings (never its values), as the form would show them again. */
function formSettings(c: UiContext): FormSettings {
  return {
    name: field(c, 'name').trim(),
    description: field(c, 'description').trim(),
    hosts: field(c, 'hosts'),
    placements: fields(c, 'placements'),
    inject: field(c, 'inject').trim(),
    metadata: field(c, 'metadata'),
    public: field(c, 'public') === '1',
    preset: field(c, 'preset'),
  };
}

/** The `set` calls a save makes: settings with the first value, then one per further value; all checked before any is made. */
function changesFrom(c: UiContext, s: FormSettings, mode: 'create' | 'edit'): SetSecretInput[] {
  const preset = s.preset ? getPreset(s.preset) : undefined;
  const hosts = lines(s.hosts);
  const flags = { allowShort: field(c, 'allowShort') === '1', allowGuessable: field(c, 'allowGuessable') === '1' };
  const policy: SetSecretInput = {
    name: s.name,
    description: s.description || (mode === 'create' && preset ? preset.description : ''),
    metadata: parseMetadata(s.metadata),
    hosts: hosts.length ? hosts : (preset?.hosts ?? []),
    ...(s.placements.length ? { placements: s.placements } : mode === 'create' ? { placements: preset?.placements ?? ['header'] } : {}),
    ...(s.inject ? { inject: s.inject } : preset ? { inject: preset.inject } : {}),
    public: s.public,
    ...(mode === 'create' ? { expectedVersion: 0 } : {}),
  };
  const values = valuesOf(c);
  const [first, ...rest] = values;
  const changes: SetSecretInput[] = [
    { ...policy, ...(first ? { env: first.env, value: first.value, ...flags } : {}) },
    ...rest.map((v) => ({ name: s.name, env: v.env, value: v.value, ...flags })),
  ];
  for (const change of changes) validateSetInput(change);
  return changes;
}

/** Every non-blank value field: `value:ENV`, and the extra row's environment and value. */
function valuesOf(c: UiContext): Array<{ env: string; value: string }> {
  const out: Array<{ env: string; value: string }> = [];
  for (const key of Object.keys(c.get('form'))) {
    if (!key.startsWith('value:')) continue;
    const value = field(c, key);
    if (value !== '') out.push({ env: key.slice('value:'.length), value });
  }
  const extra = field(c, 'newvalue');
  if (extra !== '') {
    const env = field(c, 'newenv').trim();
    if (!env) throw new BlindfoldError('BAD_INPUT', 'a value was entered in the last row without naming its environment');
    if (out.some((v) => v.env === env)) throw new BlindfoldError('BAD_INPUT', 'two values were entered for one environment');
    out.push({ env, value: extra });
  }
  return out;
}

function parseMetadata(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf('=');
    if (at <= 0) throw new BlindfoldError('BAD_INPUT', 'metadata lines are key=value (the line is not repeated here)');
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

async function apply(admin: ReturnType<UiBackend['admin']>, changes: SetSecretInput[]): Promise<void> {
  for (const change of changes) await admin.set(change);
}
