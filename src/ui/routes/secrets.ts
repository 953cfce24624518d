/** Reading: the secrets list with its filters and matrix, and one secret's page. */
import type { Hono } from 'hono';
import { readyTrail } from '../../audit/trail.js';
import { BlindfoldError } from '../../errors.js';
import { secretInScope } from '../../policy/scope.js';
import { coversHost, parseHostArgument } from '../../policy/host-filter.js';
import { assertEnvironment, withoutValueIn } from '../../vault/names.js';
import { tasksUsing, type UiBackend } from '../backend.js';
import { filterFields, messageOf, noticeOf, NOT_REPEATED_FILTER, principalOf, type UiEnv } from '../context.js';
import { messageView } from '../views/access.js';
import { secretsListView, type ListFilters, type ListedSecret } from '../views/secrets-list.js';
import { secretPageView } from '../views/secret-page.js';

const DAY_MS = 86_400_000;

export function secretRoutes(app: Hono<UiEnv>, backend: UiBackend): void {
  app.get('/', (c) => c.redirect('/secrets', 303));

  app.get('/secrets', async (c) => {
    const session = c.get('session');
    const { values: filters, refused } = filterFields(c, ['q', 'env', 'host', 'unused'] as const);
    const all = await backend.admin(principalOf(session)).list();
    const usage = backend.trail.usage();
    let secrets: ListedSecret[] = all.map((s) => ({ ...s, lastUsedAt: usage.get(s.name)?.lastUsedAt ?? null, useCount: usage.get(s.name)?.useCount ?? 0 }));
    let error: string | undefined = refused ? NOT_REPEATED_FILTER : undefined;
    try {
      secrets = applyFilters(secrets, filters);
    } catch (err) {
      error = messageOf(err);
    }
    return c.html(secretsListView(session, secrets, all, filters, { ...noticeOf(c), ...(error ? { error } : {}) }).toString());
  });

  app.get('/secrets/:name', async (c) => {
    const session = c.get('session');
    const name = c.req.param('name');
    const admin = backend.admin(principalOf(session));
    const info = (await admin.list()).find((s) => s.name === name);
    if (!info) return c.html(messageView('Not found', 'There is no secret by that name.', session).toString(), 404);
    await readyTrail(backend.trail);
    const usage = backend.trail.usage().get(name);
    const tokens = (await admin.tokens()).filter((t) => secretInScope({ secrets: t.secrets }, name)).map((t) => t.name);
    const detail = {
      info,
      history: await admin.history(name),
      lastUsedAt: usage?.lastUsedAt ?? null,
      useCount: usage?.useCount ?? 0,
      tasks: tasksUsing(backend, name),
      tokens,
      entries: backend.trail.query({ secret: name }),
    };
    return c.html(secretPageView(session, detail, noticeOf(c)).toString());
  });
}

/** The filters of `blindfold list`, combined: a secret is shown when it passes every one. */
function applyFilters(secrets: ListedSecret[], f: ListFilters): ListedSecret[] {
  const q = f.q.trim().toLowerCase();
  if (q) secrets = secrets.filter((s) => s.name.toLowerCase().includes(q) || s.description.toLowerCase().includes(q));
  if (f.env) {
    const missing = new Set(withoutValueIn(assertEnvironment(f.env), secrets));
    secrets = secrets.filter((s) => !missing.has(s.name));
  }
  if (f.host.trim()) {
    const host = parseHostArgument(f.host.trim());
    secrets = secrets.filter((s) => s.hosts.some((bound) => coversHost(bound, host)));
  }
  if (f.unused) {
    const days = Number(f.unused);
    if (!Number.isInteger(days) || days < 1) throw new BlindfoldError('BAD_INPUT', '"unused for" takes a whole number of days');
    const before = Date.now() - days * DAY_MS;
    secrets = secrets.filter((s) => !s.useCount || !s.lastUsedAt || Date.parse(s.lastUsedAt) < before);
  }
  return secrets;
}
