/**
 * The team server's sessions: each one its own McpServer over the handle of its principal, never
 * shared with another session (a server shared across sessions sends one client's answers to
 * another: CVE-2026-25536), bound to the identity that opened it (a session id is never a
 * credential), and closed when it has been idle — no request open — for the configured time.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Identity } from './http-auth.js';

/**
 * Sessions one principal may hold at once. Past it, its least recently used idle session is closed
 * to make room (clients that never send DELETE keep working), so one token can never fill the
 * server's table and lock every other token out.
 */
export const SESSIONS_PER_PRINCIPAL = 100;

export interface Session {
  id: string;
  identity: Identity;
  /** Whose session it is: the token's name, or `local` under --no-auth. */
  owner: string;
  server: McpServer;
  transport: StreamableHTTPServerTransport;
  /** Requests of this session being answered now (an open event stream counts). */
  open: number;
  lastSeen: number;
}

export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #idleMs: number;
  /** Sessions being opened (initialize in progress), by owner: counted against the caps before they exist. */
  readonly #opening = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(idleMs: number) {
    this.#idleMs = idleMs;
    // Checked a few times per idle period, at least once a minute; never keeps the process alive.
    this.#timer = setInterval(() => this.#sweep(), Math.max(50, Math.min(idleMs / 4, 60_000)));
    this.#timer.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  add(session: Session): void {
    this.#sessions.set(session.id, session);
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  delete(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(id);
  }

  /**
   * Holds a place for a new session of `owner`, or says false when there is none: the server is
   * full, or every session of `owner` is busy. At its own cap, the owner's least recently used idle
   * session is closed. `release` the place once the session is added or failed.
   */
  reserve(owner: string, maxTotal: number, maxPerOwner: number): boolean {
    const own = [...this.#sessions.values()].filter((s) => s.owner === owner);
    const opening = this.#opening.get(owner) ?? 0;
    if (own.length + opening >= maxPerOwner) {
      const idle = own.filter((s) => s.open === 0).sort((a, b) => a.lastSeen - b.lastSeen)[0];
      if (!idle) return false;
      this.#close(idle);
    }
    const allOpening = [...this.#opening.values()].reduce((a, b) => a + b, 0);
    if (this.#sessions.size + allOpening >= maxTotal) return false;
    this.#opening.set(owner, opening + 1);
    return true;
  }

  release(owner: string): void {
    const left = (this.#opening.get(owner) ?? 1) - 1;
    if (left > 0) this.#opening.set(owner, left);
    else this.#opening.delete(owner);
  }

  /** Counts a request of the session as open until its response is done. */
  track(session: Session, done: Promise<unknown> | { once(event: 'close', f: () => void): unknown }): void {
    session.open++;
    session.lastSeen = Date.now();
    const end = () => {
      session.open--;
      session.lastSeen = Date.now();
    };
    if (done instanceof Promise) void done.finally(end);
    else done.once('close', end);
  }

  /** Closes every session (shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.#timer);
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(all.map((s) => s.server.close().catch(() => {})));
  }

  /** Closes, open streams and all, every token session whose token `stillValid` no longer accepts. */
  revalidate(stillValid: (info: Extract<Identity, { kind: 'token' }>['info']) => boolean): void {
    for (const session of [...this.#sessions.values()]) {
      if (session.identity.kind === 'token' && !stillValid(session.identity.info)) this.#close(session);
    }
  }

  /** When the soonest-expiring token among open sessions expires (ms since the epoch), if any does. */
  nextExpiry(): number | undefined {
    let soonest: number | undefined;
    for (const session of this.#sessions.values()) {
      const at = session.identity.kind === 'token' && session.identity.info.expiresAt ? Date.parse(session.identity.info.expiresAt) : NaN;
      if (!Number.isNaN(at) && (soonest === undefined || at < soonest)) soonest = at;
    }
    return soonest;
  }

  #sweep(): void {
    const now = Date.now();
    for (const session of this.#sessions.values()) {
      if (session.open === 0 && now - session.lastSeen >= this.#idleMs) this.#close(session);
    }
  }

  #close(session: Session): void {
    this.#sessions.delete(session.id);
    void session.server.close().catch(() => {});
  }
}
