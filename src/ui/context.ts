/** The Hono context of the page's routes: the session a request belongs to, and its form. */
import type { Context } from 'hono';
import { looksLikeToken } from '../echo.js';
import { BlindfoldError } from '../errors.js';
import type { Session } from './sessions.js';

export interface UiEnv {
  Variables: {
    session: Session;
    /** The parsed urlencoded body of a write, CSRF already checked. */
    form: Record<string, string | string[]>;
  };
}

export type UiContext = Context<UiEnv>;

/** The admin principal of a session: the login, never the cookie. */
export function principalOf(session: Session): string {
  return `ui:${session.loginId}`;
}

/** One field of the form as text (the first, when sent more than once). */
export function field(c: UiContext, name: string): string {
  const v = c.get('form')[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** Every value sent for a field (checkboxes, repeated fields). */
export function fields(c: UiContext, name: string): string[] {
  const v = c.get('form')[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Lines of a textarea, trimmed, blanks dropped. */
export function lines(text: string): string[] {
  return text.split(/\r?\n|,/).map((l) => l.trim()).filter(Boolean);
}

/** What a redirect after a write may announce: fixed words, looked up by key, never text from the request. */
export const NOTICES: Record<string, string> = {
  created: 'Created. The values are stored encrypted and will not be shown again.',
  saved: 'Saved. Values left blank were kept; values entered will not be shown again.',
  deleted: 'Deleted.',
  rolledback: 'Rolled back (recorded as a new version).',
  cleared: 'Suspension cleared.',
  revoked: 'Token revoked: refused from its next request on.',
  provided: 'Saved. The agent that asked learns only that the secret exists; the value will not be shown again.',
  declined: 'Request declined. The agent that asked learns only that it was declined.',
};

export function noticeOf(c: UiContext): { notice?: string } {
  const key = c.req.query('ok');
  return key && Object.hasOwn(NOTICES, key) ? { notice: NOTICES[key]! } : {};
}

/** A failure of an admin operation as the page says it (our errors never carry a value; others are not shown). */
export function messageOf(err: unknown): string {
  if (err instanceof BlindfoldError) return `${err.message} [${err.code}]`;
  return 'the operation failed (internal error; see the server log)';
}

/**
 * Query fields of the filter forms, as the page may show them again: one that looks like a key or
 * token (a value pasted into the search box) is neither used nor repeated (src/echo.ts decides).
 */
export function filterFields<K extends string>(c: UiContext, names: readonly K[]): { values: Record<K, string>; refused: boolean } {
  const values = {} as Record<K, string>;
  let refused = false;
  for (const name of names) {
    const text = c.req.query(name) ?? '';
    const looks = text.split(/\s+/).some((word) => word !== '' && looksLikeToken(word));
    values[name] = looks ? '' : text;
    refused ||= looks;
  }
  return { values, refused };
}

export const NOT_REPEATED_FILTER = 'a filter looked like a key or token, so it was neither used nor repeated here';
