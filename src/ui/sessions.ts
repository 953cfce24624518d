/**
 * Who is logged in to the page. A login token is one-time: `blindfold ui` prints it in a URL on
 * its own terminal, the first request that presents it gets a session cookie and the token is dead.
 * A session has a random id (the cookie, never written anywhere else), a login id (the audit
 * principal `ui:<login id>`: the trail names the login, never the cookie) and a CSRF token. Sessions
 * end when idle too long, at an absolute limit, or at logout. Login attempts are rate limited.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  /** The cookie's value. */
  id: string;
  /** Short, public id of this login: the audit principal is `ui:<loginId>`. */
  loginId: string;
  /** The per-session token every form carries in a hidden field. */
  csrf: string;
  createdAt: number;
  lastSeen: number;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
  /** Login attempts (right or wrong) per window before 429. */
  loginsPerWindow: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000, loginsPerWindow: 10, windowMs: 60_000 };

const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time equality of two strings of any length (compared as digests). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export type LoginOutcome = { ok: true; session: Session } | { ok: false; reason: 'rate' | 'invalid'; retryAfterS?: number };

export class Sessions {
  readonly #limits: SessionLimits;
  readonly #now: () => number;
  /** Digests of the login tokens not used yet (the token itself is not kept). */
  readonly #logins = new Set<string>();
  readonly #sessions = new Map<string, Session>();
  #attempts: number[] = [];

  constructor(limits: Partial<SessionLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
    this.#now = now;
  }

  /** A new one-time login token (256 random bits). */
  issueLogin(): string {
    const token = random(32);
    this.#logins.add(digest(token).toString('hex'));
    return token;
  }

  /** Exchanges a login token for a session; the token is dead afterwards, whatever happens next. */
  login(token: string | undefined): LoginOutcome {
    const limited = this.#limited();
    if (limited) return limited;
    if (!token || token.length > 200) return { ok: false, reason: 'invalid' };
    // A Set lookup by digest: the token is never compared character by character.
    const key = digest(token).toString('hex');
    if (!this.#logins.delete(key)) return { ok: false, reason: 'invalid' };
    return { ok: true, session: this.#open() };
  }

  /** A login checked elsewhere (the team server's admin tokens), counted against the same rate limit before the check runs. */
  async admit(check: () => Promise<boolean>): Promise<LoginOutcome> {
    const limited = this.#limited();
    if (limited) return limited;
    return (await check()) ? { ok: true, session: this.#open() } : { ok: false, reason: 'invalid' };
  }

  /** Counts an attempt, or says to wait when the window is full. */
  #limited(): LoginOutcome | undefined {
    const now = this.#now();
    this.#attempts = this.#attempts.filter((t) => t > now - this.#limits.windowMs);
    if (this.#attempts.length >= this.#limits.loginsPerWindow) {
      return { ok: false, reason: 'rate', retryAfterS: Math.ceil((this.#attempts[0]! + this.#limits.windowMs - now) / 1000) };
    }
    this.#attempts.push(now);
    return undefined;
  }

  #open(): Session {
    const now = this.#now();
    const session: Session = { id: random(32), loginId: randomBytes(6).toString('hex'), csrf: random(32), createdAt: now, lastSeen: now };
    this.#sessions.set(digest(session.id).toString('hex'), session);
    return session;
  }

  /** The live session for a cookie value, its idle clock restarted; expired ones are dropped. */
  find(cookie: string | undefined): Session | undefined {
    if (!cookie || cookie.length > 200) return undefined;
    const key = digest(cookie).toString('hex');
    const session = this.#sessions.get(key);
    if (!session) return undefined;
    const now = this.#now();
    if (now - session.lastSeen > this.#limits.idleMs || now - session.createdAt > this.#limits.absoluteMs) {
      this.#sessions.delete(key);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  logout(session: Session): void {
    this.#sessions.delete(digest(session.id).toString('hex'));
  }

  /** Seconds a session may stay idle (the cookie's Max-Age follows the absolute limit). */
  get maxAgeS(): number {
    return Math.floor(this.#limits.absoluteMs / 1000);
  }
}
