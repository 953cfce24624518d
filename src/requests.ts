/**
 * Pending `request_secret` requests (SPEC §9, issue 23): an agent asks a human to enter a missing
 * value out of band, in the admin page. Knows nothing of MCP or of the page: the tool asks and
 * polls through a principal's handle, the page lists and settles through the core.
 *
 * The requests live in the home's state (a cell of the vault's `state` collection), not in this
 * process: a stdio server and `blindfold ui` are two processes of one home, and the page must see
 * what the server's agent asked. The running pages say where they listen in the same cell, so the
 * server can give its agent a link; a page that died without saying so is skipped (its process is
 * gone). What an agent learns is only whether the secret now exists: never a value, never the hosts
 * the human chose. A request id is 144 random bits and answers only the principal that made it;
 * every other caller gets the same "no such request".
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { AuditTrail } from './audit/trail.js';
import { repeatable } from './echo.js';
import { BlindfoldError } from './errors.js';
import { mayUse, type Principal } from './policy/authorize.js';
import { parseHostBinding } from './policy/registrable.js';
import type { StateCell } from './store/cells.js';
import type { HomeState } from './store/home-state.js';
import { assertSecretName } from './vault/names.js';

export type RequestStatus = 'pending' | 'saved' | 'declined' | 'expired';

const requestSchema = z.object({
  id: z.string(),
  principal: z.string(),
  name: z.string(),
  reason: z.string(),
  hosts: z.array(z.string()),
  env: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  status: z.enum(['pending', 'saved', 'declined', 'expired']),
  settledAt: z.string().optional(),
  settledBy: z.string().optional(),
});
export type SecretRequest = z.infer<typeof requestSchema>;

const pageSchema = z.object({ origin: z.string(), pid: z.number().int(), host: z.string(), since: z.string() });
const stateSchema = z.object({ requests: z.record(z.string(), requestSchema), pages: z.array(pageSchema) });
type RequestState = z.infer<typeof stateSchema>;
const empty = (): RequestState => ({ requests: {}, pages: [] });

export interface RequestLimits {
  /** How long a request stays pending. */
  ttlMs: number;
  /** Pending requests one principal may have at once. */
  maxPending: number;
  /** Requests one principal may make in an hour. */
  perHour: number;
  /** How long the tool's first call waits for an answer before it says "pending"; a poll waits as long. */
  waitMs: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { ttlMs: 15 * 60_000, maxPending: 5, perHour: 20, waitMs: 3000 };
export const REASON_MAX = 500;
export const HOSTS_MAX = 10;
/** Settled requests are kept this long (the page shows them; the hourly limit counts them). */
const KEEP_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;

export interface AskInput {
  name: string;
  reason: string;
  hosts?: string[] | undefined;
}

/** What the agent is told: whether the secret exists now, and the request to poll. */
export interface RequestAnswer {
  name: string;
  status: RequestStatus | 'exists';
  exists: boolean;
  id?: string;
  expiresAt?: string;
  /** The page's form for this request, when a page is known to be running. */
  link?: string;
}

export interface RequestsDeps {
  cell: StateCell<RequestState>;
  audit: AuditTrail;
  /** Picks up what other processes wrote (the vault's refresh). */
  fresh: () => Promise<void>;
  /** Whether the vault holds a secret by this name now. */
  has: (name: string) => boolean;
  limits?: Partial<RequestLimits>;
  now?: () => number;
}

export class SecretRequests {
  readonly #d: RequestsDeps;
  readonly limits: RequestLimits;
  readonly #now: () => number;

  constructor(deps: RequestsDeps) {
    this.#d = deps;
    this.limits = { ...DEFAULT_REQUEST_LIMITS, ...deps.limits };
    this.#now = deps.now ?? Date.now;
  }

  static in(state: HomeState, deps: Omit<RequestsDeps, 'cell'>): SecretRequests {
    return new SecretRequests({ ...deps, cell: state.cell('requests', stateSchema, empty, 'the pending secret requests') });
  }

  /**
   * A new pending request for `name`, or "exists" when the principal can already use it. A name
   * outside the principal's scope is refused whether or not it exists, in the same words.
   */
  async ask(principal: Principal, input: AskInput, pageOrigin?: string): Promise<RequestAnswer> {
    const name = assertSecretName(input.name);
    const reason = cleanReason(input.reason);
    const hosts = [...new Set((input.hosts ?? []).map((h) => parseHostBinding(h).canonical.replace(/:443$/, '').replace(/^https:\/\//, '')))];
    if (hosts.length > HOSTS_MAX) throw new BlindfoldError('BAD_INPUT', `hosts: at most ${HOSTS_MAX}`);
    const base = { action: 'secret.requested' as const, principal: principal.id, secrets: [name], env: principal.env };
    if (!mayUse(principal, name)) {
      await this.#d.audit.append({ ...base, outcome: 'denied', reason: 'outside the principal\'s scope' });
      throw outOfScope(name);
    }
    await this.#d.fresh();
    if (this.#d.has(name)) return { name, status: 'exists', exists: true };
    const now = this.#now();
    const id = randomBytes(18).toString('base64url');
    const request: SecretRequest = { id, principal: principal.id, name, reason, hosts, env: principal.env, createdAt: iso(now), expiresAt: iso(now + this.limits.ttlMs), status: 'pending' };
    // On the trail before it exists (fail closed: an unaudited request is never made).
    const refusal = this.#rateRefusal(this.#d.cell.read(), principal.id, now);
    await this.#d.audit.append({ ...base, outcome: refusal ? 'denied' : 'ok', reason: refusal ?? `request ${id.slice(0, 8)}` });
    if (refusal) throw new BlindfoldError('RATE_LIMITED', refusal);
    await this.#d.cell.update((state) => {
      const again = this.#rateRefusal(state, principal.id, now);
      if (again) throw new BlindfoldError('RATE_LIMITED', again);
      state.requests[id] = request;
      return { next: prune(state, now), result: undefined };
    });
    return { ...answerOf(request, false), ...linkFor(id, pageOrigin ?? this.livePage()) };
  }

  /** The state of a request of this principal, after waiting up to `waitMs` for it to be answered. */
  async poll(principal: Principal, id: string, pageOrigin?: string, waitMs = this.limits.waitMs): Promise<RequestAnswer> {
    const until = this.#now() + waitMs;
    for (;;) {
      const request = await this.#current(id);
      if (!request || request.principal !== principal.id) throw new BlindfoldError('REQUEST_NOT_FOUND', 'no such request (ids answer only the principal that made them, while they are kept)');
      if (request.status !== 'pending' || this.#now() >= until) {
        const exists = request.status === 'saved' && this.#d.has(request.name) && mayUse(principal, request.name);
        return { ...answerOf(request, exists), ...(request.status === 'pending' ? linkFor(id, pageOrigin ?? this.livePage()) : {}) };
      }
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(10, until - this.#now()))));
    }
  }

  /** Every request kept, newest first, expired ones marked (the page's list). */
  async list(): Promise<SecretRequest[]> {
    await this.#expire();
    return Object.values(this.#d.cell.read().requests).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  }

  async get(id: string): Promise<SecretRequest | undefined> {
    return this.#current(id);
  }

  /** The human's answer on the page: saved (the secret must exist by now) or declined; only while pending. */
  async settle(id: string, outcome: 'saved' | 'declined', by: string): Promise<SecretRequest> {
    const current = await this.#current(id);
    if (!current) throw new BlindfoldError('REQUEST_NOT_FOUND', 'no such request');
    if (current.status !== 'pending') throw new BlindfoldError('BAD_INPUT', `this request is already ${current.status}`);
    if (outcome === 'saved' && !this.#d.has(current.name)) throw new BlindfoldError('SECRET_NOT_FOUND', 'the secret was not saved');
    await this.#d.audit.append({ action: outcome === 'saved' ? 'secret.provided' : 'secret.declined', principal: by, secrets: [current.name], env: current.env, outcome: 'ok', reason: `request ${id.slice(0, 8)} of ${current.principal}` });
    return this.#d.cell.update((state) => {
      const r = state.requests[id];
      if (!r || r.status !== 'pending') throw new BlindfoldError('BAD_INPUT', 'this request was answered meanwhile');
      Object.assign(r, { status: outcome, settledAt: iso(this.#now()), settledBy: by });
      return { next: state, result: r };
    });
  }

  /** A running page says where it listens; the returned function takes it back (at shutdown). */
  async advertise(origin: string): Promise<() => Promise<void>> {
    const entry = { origin, pid: process.pid, host: hostname(), since: iso(this.#now()) };
    await this.#d.cell.update((state) => ({ next: { ...state, pages: [...livePages(state.pages).filter((p) => p.origin !== origin), entry] }, result: undefined }));
    return async () => {
      await this.#d.cell.update((state) => ({ next: { ...state, pages: state.pages.filter((p) => !(p.origin === origin && p.pid === entry.pid)) }, result: undefined }));
    };
  }

  /** The newest page of this machine whose process still runs. */
  livePage(): string | undefined {
    return livePages(this.#d.cell.read().pages).at(-1)?.origin;
  }

  async #current(id: string): Promise<SecretRequest | undefined> {
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    await this.#expire();
    const state = this.#d.cell.read();
    return Object.hasOwn(state.requests, id) ? state.requests[id] : undefined;
  }

  /** Marks pending requests past their time as expired (audited), and forgets old ones. */
  async #expire(): Promise<void> {
    await this.#d.fresh();
    const now = this.#now();
    const due = Object.values(this.#d.cell.read().requests).filter((r) => r.status === 'pending' && Date.parse(r.expiresAt) <= now);
    if (!due.length) return;
    for (const r of due) await this.#d.audit.append({ action: 'secret.unanswered', principal: r.principal, secrets: [r.name], env: r.env, outcome: 'ok', reason: `request ${r.id.slice(0, 8)} expired` });
    await this.#d.cell.update((state) => {
      for (const r of Object.values(state.requests)) if (r.status === 'pending' && Date.parse(r.expiresAt) <= now) Object.assign(r, { status: 'expired', settledAt: iso(now) });
      return { next: prune(state, now), result: undefined };
    });
  }

  #rateRefusal(state: RequestState, principal: string, now: number): string | undefined {
    const own = Object.values(state.requests).filter((r) => r.principal === principal);
    if (own.filter((r) => r.status === 'pending' && Date.parse(r.expiresAt) > now).length >= this.limits.maxPending) {
      return `at most ${this.limits.maxPending} requests may be pending at once; wait for an answer (poll with the id) before asking again`;
    }
    if (own.filter((r) => Date.parse(r.createdAt) > now - HOUR_MS).length >= this.limits.perHour) return `at most ${this.limits.perHour} requests an hour`;
    return undefined;
  }
}

/** The same words whether the name exists or not: no existence oracle outside the scope. */
function outOfScope(name: string): BlindfoldError {
  return new BlindfoldError('SECRET_NOT_FOUND', `${repeatable(name)} is not a name you may use: only secrets inside your scope can be requested`);
}

/** The agent's reason as stored: trimmed, capped, without control, format or bidi characters. */
function cleanReason(reason: string): string {
  const text = String(reason ?? '').replace(/[\p{Cc}\p{Cf}]/gu, (c) => (c === '\n' ? '\n' : ' ')).trim();
  if (!text) throw new BlindfoldError('BAD_INPUT', 'reason: say why the secret is needed');
  if (text.length > REASON_MAX) throw new BlindfoldError('BAD_INPUT', `reason: at most ${REASON_MAX} characters`);
  return text;
}

function answerOf(r: SecretRequest, exists: boolean): RequestAnswer {
  return { name: r.name, status: r.status, exists, id: r.id, expiresAt: r.expiresAt };
}

function linkFor(id: string, origin: string | undefined): { link?: string } {
  return origin ? { link: `${origin}/requests/${id}` } : {};
}

function prune(state: RequestState, now: number): RequestState {
  const requests = Object.fromEntries(Object.entries(state.requests).filter(([, r]) => r.status === 'pending' || Date.parse(r.createdAt) > now - KEEP_MS));
  return { requests, pages: livePages(state.pages) };
}

/** Pages of this machine whose process is still running (another machine's cannot be checked, and is not linked). */
function livePages(pages: RequestState['pages']): RequestState['pages'] {
  const here = hostname();
  return pages.filter((p) => p.host === here && alive(p.pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
