/**
 * Logging in and out. `GET /login?token=…` exchanges the one-time token printed on the terminal
 * for a session cookie (HttpOnly, SameSite=Strict, Path=/) and sends the browser on without the
 * token in its address bar; a used, unknown or missing token is refused (and audited), and
 * attempts are rate limited. `POST /logout` (CSRF-checked like every write) ends the session.
 */
import type { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { logger } from '../../log.js';
import type { UiBackend } from '../backend.js';
import type { UiEnv } from '../context.js';
import type { Sessions } from '../sessions.js';
import { messageView } from '../views/access.js';

export interface AuthOptions {
  sessions: Sessions;
  backend: UiBackend;
  cookieName: string;
  /** Called after each login: the door prints a fresh one-time URL for the next one. */
  afterLogin?: () => void;
}

/** `GET /login`: before the session check (it is how a session starts). */
export function loginRoute(app: Hono<UiEnv>, o: AuthOptions): void {
  app.get('/login', async (c) => {
    const outcome = o.sessions.login(c.req.query('token'));
    if (!outcome.ok) {
      await o.backend.trail
        .append({ action: 'auth.denied', principal: 'ui', outcome: 'denied', reason: outcome.reason === 'rate' ? 'admin page: too many login attempts' : 'admin page: used, unknown or missing login token' })
        .catch((err: unknown) => logger().error({ code: (err as { code?: string }).code }, 'a refused login could not be audited'));
      if (outcome.reason === 'rate') {
        c.header('retry-after', String(outcome.retryAfterS ?? 60));
        return c.html(messageView('Too many attempts', 'Too many login attempts; wait a minute and use the newest URL `blindfold ui` printed.').toString(), 429);
      }
      return c.html(messageView('Login refused', 'This login link was already used, or is not valid. Use the newest one-time URL `blindfold ui` printed on its terminal.').toString(), 403);
    }
    setCookie(c, o.cookieName, outcome.session.id, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: o.sessions.maxAgeS });
    logger().info({ principal: `ui:${outcome.session.loginId}` }, 'admin page: logged in');
    o.afterLogin?.();
    return c.redirect('/secrets', 303);
  });
}

/** `POST /logout`: after the session and CSRF checks, like every write. */
export function logoutRoute(app: Hono<UiEnv>, o: Pick<AuthOptions, 'sessions' | 'cookieName'>): void {
  app.post('/logout', (c) => {
    o.sessions.logout(c.get('session'));
    deleteCookie(c, o.cookieName, { path: '/', httpOnly: true, sameSite: 'Strict' });
    return c.html(messageView('Logged out', 'You are logged out. Log in again with a one-time URL from `blindfold ui`.').toString());
  });
}

