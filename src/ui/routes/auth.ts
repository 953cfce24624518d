/**
 * Logging in and out. `blindfold ui`: `GET /login?token=…` exchanges the one-time token printed on
 * the terminal for a session cookie (HttpOnly, SameSite=Strict) and sends the browser on without
 * the token in its address bar. The team server's `/ui`: a form posts an admin token (one created
 * with `--admin`; an agent token is refused like an unknown one). A refused login is audited
 * (`auth.denied`; past the limit of wrong attempts, once a window), wrong attempts are rate limited
 * (a right token always logs in), a login and a logout are audited (`ui.login`,
 * `ui.logout`) as `ui:<login id>`; a login that cannot be audited does not happen. `POST /logout`
 * (CSRF-checked like every write) ends the session.
 */
import type { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { logger } from '../../log.js';
import type { UiBackend } from '../backend.js';
import type { UiContext, UiEnv } from '../context.js';
import { html } from '../html.js';
import type { AdminTokens, LoginOutcome, Session, SessionHolder, Sessions } from '../sessions.js';
import { messageView } from '../views/access.js';
import { page } from '../views/layout.js';

export interface AuthOptions {
  sessions: Sessions;
  backend: UiBackend;
  cookieName: string;
  /** Where the page is mounted (`/ui` on the team server): the cookie's path. */
  cookiePath?: string;
  /** Called after each login: the door prints a fresh one-time URL for the next one. */
  afterLogin?: () => void;
  /** The team server: its admin tokens (an agent, unknown, revoked or expired token opens nothing). */
  adminTokens?: AdminTokens;
  /** Each session under `/k/<its path key>`, its cookie there only (Session.pathKey). */
  pathKeys?: boolean;
}

/** `/login`: before the session check (it is how a session starts). */
export function loginRoute(app: Hono<UiEnv>, o: AuthOptions): void {
  const { adminTokens } = o;
  if (!adminTokens) {
    app.get('/login', async (c) => finish(c, o, o.sessions.login(c.req.query('token')), 'one-time login token'));
    return;
  }
  app.get('/login', (c) => c.html(loginFormView().toString()));
  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const next = typeof body.next === 'string' && PAGE_PATH.test(body.next) ? body.next : undefined;
    let holder: SessionHolder | undefined;
    const shared = adminTokens.countWrong ? (perMinute: number) => adminTokens.countWrong!(perMinute) : undefined;
    const outcome = await o.sessions.admit(async () => (holder = token && token.length <= 200 ? await adminTokens.login(token) : undefined), shared);
    return finish(c, o, outcome, holder ? `admin token ${holder.name}` : 'admin token', next);
  });
}

/** A page's own path, to go on to after a login (`/requests/<id>` from a request_secret link); nothing else is followed. */
const PAGE_PATH = /^\/[A-Za-z0-9_-][A-Za-z0-9/_.-]{0,200}$/;

async function finish(c: UiContext, o: AuthOptions, outcome: LoginOutcome, how: string, next = '/secrets'): Promise<Response> {
  const { backend } = o;
  if (!outcome.ok) {
    const reason = outcome.reason === 'rate' ? 'admin page: too many login attempts' : o.adminTokens ? 'admin page: not an admin token (or unknown, revoked, expired)' : 'admin page: used, unknown or missing login token';
    if (!(outcome.reason === 'rate' && outcome.quiet)) await backend.trail.append({ action: 'auth.denied', principal: 'ui', outcome: 'denied', reason }).catch((err: unknown) => logger().error({ code: (err as { code?: string }).code }, 'a refused login could not be audited'));
    if (outcome.reason === 'rate') {
      c.header('retry-after', String(outcome.retryAfterS ?? 60));
      return c.html(messageView('Too many attempts', 'Too many login attempts; wait a minute and try again.').toString(), 429);
    }
    const again = o.adminTokens ? 'Only a token created with --admin opens this page.' : 'This login link was already used, or is not valid. Use the newest one-time URL `blindfold ui` printed on its terminal.';
    return c.html(o.adminTokens ? loginFormView(again, next).toString() : messageView('Login refused', again).toString(), 403);
  }
  const principal = `ui:${outcome.session.loginId}`;
  try {
    await backend.trail.append({ action: 'ui.login', principal, outcome: 'ok', reason: how });
  } catch (err) {
    o.sessions.logout(outcome.session);
    throw err;
  }
  const own = o.pathKeys ? `/k/${outcome.session.pathKey}` : '';
  setCookie(c, o.cookieName, outcome.session.id, { httpOnly: true, sameSite: 'Strict', path: cookiePathOf(o, outcome.session), maxAge: o.sessions.maxAgeS });
  logger().info({ principal }, 'admin page: logged in');
  o.afterLogin?.();
  return c.redirect(`${own}${next}`, 303);
}

/** `POST /logout`: after the session and CSRF checks, like every write. */
export function logoutRoute(app: Hono<UiEnv>, o: Pick<AuthOptions, 'sessions' | 'cookieName' | 'cookiePath' | 'backend' | 'adminTokens' | 'pathKeys'>): void {
  app.post('/logout', async (c) => {
    const session = c.get('session');
    o.sessions.logout(session);
    deleteCookie(c, o.cookieName, { path: cookiePathOf(o, session), httpOnly: true, sameSite: 'Strict' });
    await o.backend.trail.append({ action: 'ui.logout', principal: `ui:${session.loginId}`, outcome: 'ok' }).catch((err: unknown) => logger().error({ code: (err as { code?: string }).code }, 'a logout could not be audited'));
    const again = o.adminTokens ? html`You are logged out. <a href="/login">Log in again</a> with an admin token.` : 'You are logged out. Log in again with a one-time URL from `blindfold ui`.';
    return c.html(page({ title: 'Logged out' }, html`<p>${again}</p>`).toString());
  });
}

/** Where a session's cookie is sent: the page's path, or the session's own under it (Session.pathKey). */
function cookiePathOf(o: Pick<AuthOptions, 'cookiePath' | 'pathKeys'>, session: Session): string {
  const base = o.cookiePath && o.cookiePath !== '/' ? o.cookiePath : '';
  return o.pathKeys ? `${base}/k/${session.pathKey}` : o.cookiePath ?? '/';
}

/** The team server's login form: an admin token in a password field, posted to this page only; `next`, the page asked for. */
export function loginFormView(error?: string, next?: string): ReturnType<typeof page> {
  const then = next && PAGE_PATH.test(next) && next !== '/login' ? html`<input type="hidden" name="next" value="${next}">` : '';
  return page(
    { title: 'Log in', ...(error ? { error } : {}) },
    html`<form method="post" action="/login" class="token-form" autocomplete="off">${then}
<label>Admin token (created with <code>blindfold token create NAME --admin</code>) <input type="password" name="token" required autocomplete="off" spellcheck="false"></label>
<p><button type="submit">Log in</button></p>
</form>`,
  );
}
