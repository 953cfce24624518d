/**
 * Who is logged in to the page. A login token is one-time: `blindfold ui` prints it in a URL on
 * its own terminal, the first request that presents it gets a session cookie and the token is dead.
 * A session has a random id (the cookie, never written anywhere else), a login id (the audit
 * principal `ui:<login id>`: the trail names the login, never the cookie) and a CSRF token. Sessions
 * end when idle too long, at an absolute limit, or at logout. Wrong login attempts are rate limited;
 * a right one always opens (see `#refused`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who opened a session on the team server: the admin token, by name and creation time (a new token
 * given the name of a revoked one is another token). The session lives only as long as it does.
 */
export interface SessionHolder {
  name: string;
  createdAt: string;
}

/** The team server's admin tokens, as the page's login and session checks see them. */
export interface AdminTokens {
  /** The holder of an admin token presented at login; undefined for any other (agent, unknown, revoked, expired). */
  login(token: string): Promise<SessionHolder | undefined>;
  /** Whether the holder's token is still an admin token in force: revoked, expired or replaced, its sessions end on their next request. */
  stillValid(holder: SessionHolder): Promise<boolean>;
  /**
   * Instances sharing a store (PostgreSQL) count wrong attempts there, so the limit holds across
   * them: takes one from a bucket of `perMinute`; the seconds to wait past it, else undefined.
   */
  countWrong?(perMinute: number): Promise<number | undefined>;
}

export interface Session {
  /** The cookie's value. */
  id: string;
  /** Short, public id of this login: the audit principal is `ui:<loginId>`. */
  loginId: string;
  /** The per-session token every form carries in a hidden field. */
  csrf: string;
  createdAt: number;
  lastSeen: number;
  /** The admin token it was opened with (the team server); absent for a one-time login URL. */
  holder?: SessionHolder;
  /**
   * The team server's page lives under `/ui/k/<pathKey>` for this session, and its cookie is sent
   * there only. A browser sends a host's cookies to every port of it (127.0.0.1:7777's to a dev
   * server an agent runs on 127.0.0.1:5173); a cookie whose path holds 128 random bits reaches no
   * URL the agent can name.
   */
  pathKey: string;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
  /** Wrong login attempts per window before 429. */
  loginsPerWindow: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000, loginsPerWindow: 10, windowMs: 60_000 };

/** How the team server's handler tells the page which session path key the URL held (see Session.pathKey). */
export const PAGE_KEY_HEADER = 'x-blindfold-page-key';

const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time equality of two strings of any length (compared as digests). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** `quiet`: a refusal of a window already reported (the caller audits the first 'rate' of a window only). */
export type LoginOutcome = { ok: true; session: Session } | { ok: false; reason: 'rate' | 'invalid'; retryAfterS?: number; quiet?: boolean };

export class Sessions {
  readonly #limits: SessionLimits;
  readonly #now: () => number;
  /** Digests of the login tokens not used yet (the token itself is not kept). */
  readonly #logins = new Set<string>();
  readonly #sessions = new Map<string, Session>();
  #attempts: number[] = [];
  /** When the last 'rate' refusal was reported. */
  #rateReportedAt = Number.NEGATIVE_INFINITY;

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
    // A Set lookup by digest: the token is never compared character by character.
    if (token && token.length <= 200 && this.#logins.delete(digest(token).toString('hex'))) return { ok: true, session: this.#open() };
    return this.#refused();
  }

  /**
   * A login checked elsewhere (the team server's admin tokens), under the same limit of wrong
   * attempts: counted here, or by `shared` (AdminTokens.countWrong) when instances share a store.
   */
  async admit(check: () => Promise<SessionHolder | undefined>, shared?: (perMinute: number) => Promise<number | undefined>): Promise<LoginOutcome> {
    const holder = await check();
    if (holder) return { ok: true, session: this.#open(holder) };
    if (!shared) return this.#refused();
    const wait = await shared(Math.round((this.#limits.loginsPerWindow * 60_000) / this.#limits.windowMs));
    return wait === undefined ? { ok: false, reason: 'invalid' } : this.#limited(this.#now(), wait);
  }

  /**
   * A wrong attempt, counted; past the window's limit, 'rate'. Right tokens are never counted nor
   * limited: they are 256 random bits, so the limit protects nothing there, and counting them let
   * anyone who could send requests (an agent, a hostile page's cross-site GETs) fill the window and
   * lock the admin out. The limit bounds what wrong attempts cost (audit entries among them).
   */
  #refused(): LoginOutcome {
    const now = this.#now();
    this.#attempts = this.#attempts.filter((t) => t > now - this.#limits.windowMs).slice(-this.#limits.loginsPerWindow);
    this.#attempts.push(now);
    if (this.#attempts.length <= this.#limits.loginsPerWindow) return { ok: false, reason: 'invalid' };
    return this.#limited(now, Math.ceil((this.#attempts[0]! + this.#limits.windowMs - now) / 1000));
  }

  /** Past the limit: 'rate', reported (audited) once a window by this process. */
  #limited(now: number, retryAfterS: number): LoginOutcome {
    const quiet = this.#rateReportedAt > now - this.#limits.windowMs;
    if (!quiet) this.#rateReportedAt = now;
    return { ok: false, reason: 'rate', retryAfterS, quiet };
  }

  #open(holder?: SessionHolder): Session {
    const now = this.#now();
    const session: Session = { id: random(32), loginId: randomBytes(6).toString('hex'), csrf: random(32), createdAt: now, lastSeen: now, pathKey: random(16), ...(holder ? { holder } : {}) };
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
