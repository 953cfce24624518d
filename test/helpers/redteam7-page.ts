// Red team 7: the admin page driven with plain HTTP (no browser on this machine), as a browser or
// an attacker would: a login that yields the session cookie, the CSRF token read from a page, and
// form posts with exactly the headers given.
import { rawRequest, type RawResponse } from './http-server.js';

export interface PageLogin {
  /** `name=value` of the session cookie. */
  cookie: string;
  /** The session's own path, `/ui/k/<path key>` (where the login sent the browser; '' when refused). */
  base: string;
  /** The whole Set-Cookie line, flags included. */
  setCookie: string;
  status: number;
}

/** The Set-Cookie lines of a response. */
export function setCookies(r: RawResponse): string[] {
  const h = r.headers['set-cookie'];
  return h === undefined ? [] : Array.isArray(h) ? h : [h];
}

/** Logs in to the team server's `/ui` with a token (the form post a browser of this page sends). */
export async function teamLogin(origin: string, token: string): Promise<PageLogin> {
  const r = await rawRequest(`${origin}/ui/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ token }).toString(),
  });
  const line = setCookies(r).find((c) => c.startsWith('bf_ui_')) ?? '';
  const cookie = line.split(';')[0] ?? '';
  const base = /^(\/ui\/k\/[A-Za-z0-9_-]{22})\//.exec(String(r.headers.location ?? ''))?.[1] ?? '';
  if (cookie) bases.set(cookie, base);
  return { cookie, base, setCookie: line, status: r.status };
}

/** The session path of each cookie a login gave: a page path `/ui/…` asked with that cookie goes there. */
const bases = new Map<string, string>();
const pathFor = (path: string, cookie: string) => (path.startsWith('/ui/') && bases.get(cookie) ? `${bases.get(cookie)}${path.slice(3)}` : path);

/** A GET of a page path with the session cookie (under the session's own path, see `bases`). */
export function getPage(origin: string, path: string, cookie: string, extra: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(`${origin}${pathFor(path, cookie)}`, { method: 'GET', headers: { cookie, ...extra } });
}

/** The CSRF token of a page (every logged-in page carries one in the logout form). */
export function csrfOf(body: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/** A form post with the session cookie; `headers` replaces the default same-origin browser headers. */
export function postForm(origin: string, path: string, cookie: string, form: Record<string, string>, headers?: Record<string, string>): Promise<RawResponse> {
  return rawRequest(`${origin}${pathFor(path, cookie)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...(headers ?? { origin, 'sec-fetch-site': 'same-origin' }) },
    body: new URLSearchParams(form).toString(),
  });
}
