/**
 * The pending `request_secret` requests: the list, the form, save and decline. Saving creates the
 * secret through the admin operations (src/admin.ts) under `ui:<login id>`, with the name the
 * request fixed (so it stays inside the scope of the principal that asked: no token's scope is
 * touched), and only the hosts the human ticked or typed; then marks the request saved.
 */
import type { Hono } from 'hono';
import { BlindfoldError } from '../../errors.js';
import { validateSetInput, type SetSecretInput } from '../../vault/vault.js';
import type { UiBackend } from '../backend.js';
import { field, fields, lines, messageOf, noticeOf, principalOf, type UiContext, type UiEnv } from '../context.js';
import { messageView } from '../views/access.js';
import { requestFormState, requestFormView, requestsView, type RequestFormState } from '../views/requests.js';

export function requestRoutes(app: Hono<UiEnv>, backend: UiBackend): void {
  const requests = backend.requests;
  const notFound = (c: UiContext) => c.html(messageView('Not found', 'There is no such request (it may have been answered long ago).', c.get('session')).toString(), 404);

  app.get('/requests', async (c) => c.html(requestsView(c.get('session'), await requests.list(), noticeOf(c)).toString()));

  app.get('/requests/:id', async (c) => {
    const r = await requests.get(c.req.param('id'));
    if (!r) return notFound(c);
    return c.html(requestFormView(c.get('session'), r, requestFormState(r)).toString());
  });

  app.post('/requests/:id', async (c) => {
    const r = await requests.get(c.req.param('id'));
    if (!r) return notFound(c);
    const state = formState(c);
    const by = principalOf(c.get('session'));
    try {
      if (r.status !== 'pending') throw new BlindfoldError('BAD_INPUT', `this request is already ${r.status}`);
      // Only hosts the human ticked among those proposed, and those they typed themselves.
      const hosts = [...state.hosts.filter((h) => r.hosts.includes(h)), ...lines(state.extraHosts)];
      if (!hosts.length) throw new BlindfoldError('BAD_INPUT', 'tick or enter at least one host: a secret with no host can be sent nowhere');
      const value = field(c, 'value');
      if (value === '') throw new BlindfoldError('BAD_INPUT', 'enter the value');
      const input: SetSecretInput = {
        name: r.name,
        env: state.env,
        value,
        description: state.description,
        hosts,
        placements: state.placements.length ? state.placements : ['header'],
        ...(state.inject ? { inject: state.inject } : {}),
        expectedVersion: 0,
        allowShort: field(c, 'allowShort') === '1',
        allowGuessable: field(c, 'allowGuessable') === '1',
      };
      validateSetInput(input);
      await backend.admin(by).set(input);
      await requests.settle(r.id, 'saved', by);
      return c.redirect('/requests?ok=provided', 303);
    } catch (err) {
      return c.html(requestFormView(c.get('session'), r, state, messageOf(err)).toString(), 400);
    }
  });

  app.post('/requests/:id/decline', async (c) => {
    const r = await requests.get(c.req.param('id'));
    if (!r) return notFound(c);
    try {
      await requests.settle(r.id, 'declined', principalOf(c.get('session')));
      return c.redirect('/requests?ok=declined', 303);
    } catch (err) {
      return c.html(requestFormView(c.get('session'), r, requestFormState(r), messageOf(err)).toString(), 400);
    }
  });
}

function formState(c: UiContext): RequestFormState {
  return {
    hosts: fields(c, 'hosts'),
    extraHosts: field(c, 'extraHosts'),
    placements: fields(c, 'placements'),
    env: field(c, 'env').trim(),
    inject: field(c, 'inject').trim(),
    description: field(c, 'description').trim(),
  };
}
