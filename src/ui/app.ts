/**
 * The admin page as a Hono app. Every request passes, in order: the security headers (set on every
 * answer, refusals included), the Host check (403), the static files and the login (no session
 * needed), then for everything else: a write must come from this page (Origin / Sec-Fetch-Site,
 * 403), a live session (401), and on a write the session's CSRF token (403, constant time).
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { logger } from '../log.js';
import type { AllowLists } from '../mcp/http-guard.js';
import { loadAssets } from './assets.js';
import type { UiBackend } from './backend.js';
import type { UiContext, UiEnv } from './context.js';
import { csrfMatches, fromThisPage, hostCheck, securityHeaders } from './guard.js';
import { accessRoutes } from './routes/access.js';
import { loginFormView, loginRoute, logoutRoute } from './routes/auth.js';
import { requestRoutes } from './routes/requests.js';
import { secretRoutes } from './routes/secrets.js';
import { secretWriteRoutes } from './routes/secret-write.js';
import { PAGE_KEY_HEADER, type AdminTokens, type Session, type Sessions } from './sessions.js';
import { messageView } from './views/access.js';

export interface UiAppOptions {
  backend: UiBackend;
  sessions: Sessions;
  /** Host and Origin allow-lists of the bound address (known once listening). */
  lists: () => AllowLists;
  cookieName: string;
  afterLogin?: () => void;
  /** Mounted under a path (the team server's `/ui`): links, redirects and the cookie are under it. */
  base?: string;
  /** The team server: admin tokens log in through a form (routes/auth.ts), and a session ends with its token. */
  adminTokens?: AdminTokens;
  /** The team server: each session's pages and cookie live under `<base>/k/<its path key>` (Session.pathKey). */
  pathKeys?: boolean;
}

const MAX_FORM_BYTES = 64 * 1024;

export function createUiApp(o: UiAppOptions): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  const assets = loadAssets();

  if (o.base) app.use('*', underBase(o.base, o.pathKeys === true));
  app.use('*', securityHeaders);
  app.use('*', hostCheck(o.lists));

  app.get('/static/:file', (c) => {
    const asset = assets.get(c.req.param('file'));
    if (!asset) return c.text('not found', 404);
    return c.body(asset.body, 200, { 'content-type': asset.type });
  });

  app.use('*', async (c, next) => {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return c.text('method not allowed', 405, { allow: 'GET, HEAD, POST' });
    if (method === 'POST' && !fromThisPage({ origin: c.req.header('origin'), fetchSite: c.req.header('sec-fetch-site') }, o.lists())) {
      return c.html(messageView('Refused', 'This form was not sent from this page.').toString(), 403);
    }
    await next();
  });

  app.use('*', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => c.text('the form is too large', 413) }));

  const auth = { sessions: o.sessions, backend: o.backend, cookieName: o.cookieName, cookiePath: o.base || '/', pathKeys: o.pathKeys === true, ...(o.afterLogin ? { afterLogin: o.afterLogin } : {}), ...(o.adminTokens ? { adminTokens: o.adminTokens } : {}) };
  loginRoute(app, auth);

  app.use('*', async (c, next) => {
    const found = o.sessions.find(getCookie(c, o.cookieName));
    // A cookie is good only under its own session's path (a copy of it presented anywhere else is none).
    const session = found && (!o.pathKeys || c.req.header(PAGE_KEY_HEADER) === found.pathKey) ? found : undefined;
    if (!session) return c.html((o.adminTokens ? loginFormView(undefined, c.req.method === 'GET' ? c.req.path : undefined) : messageView('Log in', 'Open the one-time login URL that `blindfold ui` printed on its terminal.')).toString(), 401);
    if (session.holder && o.adminTokens && !(await o.adminTokens.stillValid(session.holder))) return endedSession(c, o, session);
    c.set('session', session);
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody({ all: true });
      const form: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(body)) {
        const texts = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
        if (texts.length) form[k] = texts.length === 1 ? texts[0]! : texts;
      }
      if (!csrfMatches(session, form._csrf)) return c.html(messageView('Refused', 'This form is stale or was not sent from this page: reload and try again.', session).toString(), 403);
      c.set('form', form);
    }
    await next();
  });

  logoutRoute(app, auth);
  secretWriteRoutes(app, o.backend);
  secretRoutes(app, o.backend);
  accessRoutes(app, o.backend);
  requestRoutes(app, o.backend);

  app.notFound((c) => c.html(messageView('Not found', 'There is no page here.').toString(), 404));
  app.onError((err, c) => {
    // The name and code only: a message could quote what a form carried.
    logger().error({ err: err.name, code: (err as { code?: unknown }).code }, 'admin page: a request failed');
    return c.html(messageView('Error', 'Something went wrong; see the server log.').toString(), 500);
  });
  return app;
}

/**
 * The page's own paths are absolute (`/secrets`); mounted under `base`, every link, form action,
 * asset and redirect of ours gets the prefix. Only our markup can hold `href="/`: text from the
 * vault, the trail or an agent is escaped (a `"` never survives), so nothing else is rewritten.
 */
function underBase(base: string, pathKeys: boolean): MiddlewareHandler {
  return async (c, next) => {
    // A session's pages link to its own path (the key a page was asked under); the login pages to the base.
    const key = pathKeys ? c.req.header(PAGE_KEY_HEADER) : undefined;
    const prefix = key ? `${base}/k/${key}` : base;
    await next();
    const location = c.res.headers.get('location');
    // A login sends the browser to the new session's own path (`/k/<key>/…`), under the base only.
    if (location?.startsWith('/')) c.res.headers.set('location', (location.startsWith('/k/') ? base : prefix) + location);
    if (!(c.res.headers.get('content-type') ?? '').startsWith('text/html')) return;
    const text = (await c.res.text()).replace(/ (href|action|src)="\//g, ` $1="${prefix}/`);
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(text, { status: c.res.status, headers });
  };
}

/**
 * A session whose admin token was revoked, expired or replaced since it logged in: ended, audited,
 * and answered like no session (SPEC §8: revocation and expiry apply on the next request).
 */
async function endedSession(c: UiContext, o: UiAppOptions, session: Session): Promise<Response> {
  o.sessions.logout(session);
  const reason = 'admin page: the token this session was opened with was revoked, expired or replaced';
  await o.backend.trail.append({ action: 'auth.denied', principal: `ui:${session.loginId}`, outcome: 'denied', reason }).catch((err: unknown) => logger().error({ code: (err as { code?: string }).code }, 'an ended session could not be audited'));
  const next = c.req.method === 'GET' ? c.req.path : undefined;
  return c.html(loginFormView('Your session ended: the admin token it was opened with was revoked, expired or replaced.', next).toString(), 401);
}
