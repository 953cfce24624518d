/**
 * Who is calling the team server (issue 21 item 2): the bearer token of each request, looked up
 * on every request — so a token revoked or expired is refused from its next request on, without a
 * restart — and nothing else. The principal comes only from the token, never from the client's
 * name for itself or a header it chooses. A refusal says the same whether the token is missing,
 * malformed, unknown, revoked or expired, so nobody learns whether a name exists.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TokenInfo } from '../vault/tokens.js';

/** How the server learns who is calling; `lookup` absent means `--no-auth` (loopback only, the local principal). */
export interface HttpAuth {
  /** The token's scope, or undefined for one unknown, revoked or expired (the registry does not say which). */
  lookup?: (token: string) => Promise<TokenInfo | undefined>;
  /**
   * Whether the token a session was opened with is still in force (not revoked, not expired, not
   * replaced by a new token of its name): an open event stream is no request, so sessions are
   * checked with this from time to time and closed when it says no. One call reads the vault once
   * and answers for every session.
   */
  stillValid?: () => Promise<(info: TokenInfo) => boolean>;
  /**
   * Subscribes to changes landed in the store by any instance (PostgreSQL: LISTEN/NOTIFY; file:
   * the folder's events); returns the unsubscribe. With it, sessions are re-checked as soon as a
   * token changes anywhere, and the periodic check is only the safety net for a lost notice.
   */
  changes?: (onChange: () => void) => () => void;
  /** Puts a refused request on the audit trail; `principal` is the token's when a valid token was used where it may not be. */
  denied: (reason: string, principal?: string) => Promise<void>;
}

export type Identity =
  | { kind: 'token'; info: TokenInfo; /** SHA-256 of the token, to bind a session to it (never stored on disk). */ digest: Buffer }
  | { kind: 'local' };

/** The principal of unauthenticated requests on the audit trail. */
export const UNAUTHENTICATED = 'http:unauthenticated';

/** The request's identity, or undefined when it has to be refused with 401 (the refusal is audited). */
export async function authenticate(req: IncomingMessage, auth: HttpAuth): Promise<Identity | undefined> {
  if (!auth.lookup) return { kind: 'local' };
  const token = bearerToken(req.headers.authorization);
  const info = token === undefined ? undefined : await auth.lookup(token);
  if (!info || token === undefined) {
    await auth.denied(token === undefined ? 'no bearer token' : 'unknown, revoked or expired token');
    return undefined;
  }
  return { kind: 'token', info, digest: digestOf(token) };
}

/** Whether a request's identity is the one a session was opened with. */
export function sameIdentity(a: Identity, b: Identity): boolean {
  if (a.kind === 'local' || b.kind === 'local') return a.kind === b.kind;
  return a.info.name === b.info.name && timingSafeEqual(a.digest, b.digest);
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
