// Red team 7: the admin page driven with plain HTTP (no browser on this machine), as a browser or
// an attacker would: a login that yields the session cookie, the CSRF token read from a page, and
// form posts with exactly the headers given.
import { rawRequest, type RawResponse } from './http-server.js';

export interface PageLogin {
  /** `name=value` of the session cookie. */
  cookie: string;
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
  return { cookie: line.split(';')[0] ?? '', setCookie: line, status: r.status };
}

/** A GET of a page path with the session cookie. */
export function getPage(origin: string, path: string, cookie: string, extra: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(`${origin}${path}`, { method: 'GET', headers: { cookie, ...extra } });
}

/** The CSRF token of a page (every logged-in page carries one in the logout form). */
export function csrfOf(body: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/** A form post with the session cookie; `headers` replaces the default same-origin browser headers. */
export function postForm(origin: string, path: string, cookie: string, form: Record<string, string>, headers?: Record<string, string>): Promise<RawResponse> {
  return rawRequest(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...(headers ?? { origin, 'sec-fetch-site': 'same-origin' }) },
    body: new URLSearchParams(form).toString(),
  });
}
