/**
 * The one service every front end (MCP tools, the library handle, the CLI) goes through:
 *
 *   authorize → audit → resolve → send → redact
 *
 * Each step lives in its own module (policy/, audit/, vault/, egress/, redact/); this file only
 * composes them. The vault and the redactor are private: nothing outside the broker reaches a value,
 * and every string it returns or throws has been through the redactor, which holds fingerprints of
 * every value in the vault (all environments and kept versions), re-indexed when the vault moves.
 */
import { BlindfoldError } from './errors.js';
import { pathForTrail } from './echo.js';
import { addLogScrubber, logger } from './log.js';
import { createGuardedAgent } from './egress/connector.js';
import { ScopedEgress } from './egress/scoped-egress.js';
import type { OutgoingRequest } from './egress/client.js';
import { sendFollowingRedirects } from './egress/redirects.js';
import { buildOutgoing, fail } from './egress/outgoing.js';
import { authorizeSecrets, redirectRefusal, type Principal } from './policy/authorize.js';
import { inScope } from './policy/in-scope.js';
import { CountedAllowance } from './policy/allowance.js';
import type { OriginQuarantine } from './policy/quarantine.js';
import type { CallQuotas } from './policy/quotas.js';
import { isStopped, suspendedRefusal, type SuspensionList } from './policy/suspensions.js';
import { Redactor } from './redact/redactor.js';
import { VaultIndex } from './redact/vault-index.js';
import { presentResponse } from './redact/response.js';
import { screen } from './redact/wall.js';
import { scrubStrings } from './redact/shown-text.js';
import { AnswerJudge } from './policy/answer-judge.js';
import { parseRequest, type HttpRequestInput, type ParsedRequest } from './template/request.js';
import type { SecretInfo, Vault } from './vault/vault.js';
import { pageOf, type ListingPage } from './vault/listing-page.js';
import type { AuditTrail } from './audit/trail.js';
import type { AuditFields } from './audit/chain.js';
import { countUses, type Usage } from './store/audit/query.js';

export type { Principal } from './policy/authorize.js';
export type { HttpRequestInput } from './template/request.js';
export type { BrokerOptions, HttpResult, RequestOptions, SecretListing } from './broker-types.js';
import type { BrokerOptions, HttpResult, RequestOptions, SecretListing } from './broker-types.js';

/** What the audit trail says of a request, filled in as the request is understood. */
type RequestTrail = Omit<AuditFields, 'action' | 'outcome'> & { env: string };

const NOTHING_INDEXED = new Redactor();
const QUARANTINED = 'is quarantined: its answers tripped the wire, so nothing is sent there until an admin reviews it';

export class Broker {
  readonly #vault: Vault;
  readonly #index: VaultIndex;
  /** Dispatchers made on the first request: undici is loaded then, not at start (cold start, B4). */
  readonly #egress: ScopedEgress;
  readonly #audit: AuditTrail | undefined;
  readonly #suspensions: SuspensionList | undefined;
  readonly #quarantine: OriginQuarantine | undefined;
  readonly #quotas: CallQuotas | undefined;
  readonly #judge: AnswerJudge;
  /** Hit bookkeeping (audit, allowance, suspension writes), kept off the reply path. */
  #bookkeeping: Promise<void> = Promise.resolve();
  readonly #unhookLogs: () => void;
  /** Usage counted from the audit trail (no vault write per request), read on first need. */
  #usageFromTrail: Map<string, Usage> | undefined;

  constructor(options: BrokerOptions) {
    this.#vault = options.vault;
    this.#audit = options.audit;
    this.#suspensions = options.suspensions;
    this.#quarantine = options.quarantine;
    this.#quotas = options.quotas;
    this.#judge = new AnswerJudge({
      suspensions: options.suspensions,
      allowance: options.allowance ?? CountedAllowance.inMemory(),
      quarantine: options.quarantine,
      record: (fields) => this.record(fields),
      later: (work) => this.#later(work),
      maxInputBytes: options.maxInputBytes,
      unsafeShowPieces: options.unsafeShowPieces,
    });
    this.#egress = new ScopedEgress({
      configOrigins: options.allowOrigins ?? [],
      rangeOrigins: options.rangeOrigins ?? [],
      listing: () => this.#vault.list(),
      dispatcher: (isOriginAllowed) => createGuardedAgent({ resolver: options.resolver, isOriginAllowed }),
    });
    // Second wall: any log line that somehow carries a value resolved here is scrubbed before writing.
    this.#unhookLogs = addLogScrubber((line) => this.#redactor.redact(line).text);
    // Built after start, so the first tools/list is not kept waiting on every value; a request
    // that comes first completes it before resolving or screening anything.
    this.#index = new VaultIndex(this.#vault);
  }

  /** The index as it is; before it exists nothing was resolved here, so there is nothing to find. */
  get #redactor(): Redactor {
    return this.#index.current ?? NOTHING_INDEXED;
  }

  async close(): Promise<void> {
    this.#index.close();
    this.#unhookLogs();
    await this.#egress.close();
  }

  /** What `principal` may use, sorted by name: all, or one page (usage joined to that page only: 100,000 names are cheap, not their copies). */
  async listSecrets(principal: Principal, filter?: string, page?: { limit?: number | undefined; cursor?: string | undefined }): Promise<ListingPage<SecretListing>> {
    await this.#vault.refresh();
    await this.#index.complete();
    await this.#screen(principal, { filter, ...page }); // the filter and cursor are the agent's text
    const usage = this.#usage;
    const matching = inScope(this.#vault.list(), principal, filter);
    const chosen: { items: readonly SecretInfo[]; total: number; nextCursor?: string } = page ? pageOf(matching, page.limit, page.cursor) : { items: matching, total: matching.length };
    const items = chosen.items.map((s) => ({ ...s, ...scrubStrings(this.#redactor, { description: s.description, metadata: s.metadata }) }));
    return { ...chosen, items: items.map((s) => ({ ...s, lastUsedAt: usage.get(s.name)?.lastUsedAt ?? null, useCount: usage.get(s.name)?.useCount ?? 0 })) };
  }

  /** Resolves once every value the vault holds is in the index. */
  async indexed(): Promise<void> {
    await this.#index.complete();
  }

  /** Admin-written text an agent is shown (a task tool's listing), every indexed value in it taken out (./redact/shown-text). */
  scrubShown<T>(value: T): T {
    return scrubStrings(this.#redactor, value);
  }

  get #usage(): Map<string, Usage> {
    this.#usageFromTrail ??= this.#audit ? this.#audit.usage() : new Map();
    return this.#usageFromTrail;
  }

  async httpRequest(principal: Principal, input: HttpRequestInput, options: RequestOptions = {}): Promise<HttpResult> {
    // A principal's share of concurrent calls is taken before the shared limit: one that floods
    // (32 hostile answers to scan at once) waits on itself, not on everyone.
    const release = await this.#quotas?.acquire(principal.id);
    try {
      return await this.#httpRequest(principal, input, options);
    } finally {
      release?.();
    }
  }

  async #httpRequest(principal: Principal, input: HttpRequestInput, options: RequestOptions): Promise<HttpResult> {
    const started = performance.now();
    const trail: RequestTrail = { principal: principal.id, env: principal.env, method: String(input.method).toUpperCase(), ...(options.task ? { task: options.task } : {}) };
    let sent = false;
    try {
      await this.#vault.refresh();
      await this.#index.complete();
      // A task step is screened as built too: its template joins inputs screened one by one (red team 12).
      await this.#screen(principal, input);
      const request = parseRequest(input);
      // What the URL parser made of the agent's URL is input too: IDNA turns a host cut by non-ASCII
      // letters into one Punycode run of its ASCII letters (a whole guess, joined by Blindfold).
      if (request.target.href !== input.url) await this.#judge.screenInput(principal, this.#redactor, request.target.href);
      trail.origin = request.target.origin;
      if (this.#quarantine?.isQuarantined(trail.origin)) throw new BlindfoldError('HOST_NOT_ALLOWED', `this origin ${QUARANTINED}`);
      // As sent on the wire (percent-encoded), never decoded: a decoded path would carry the
      // agent's control characters into an admin's terminal.
      trail.path = pathForTrail(request.target.pathname);
      const injected = [...new Set(options.inject ?? [])];
      trail.secrets = [...new Set([...request.names, ...injected])];
      const secrets = authorizeSecrets(this.#vault, principal, { uses: request.uses, injected, target: request.target });
      // Usage is read from the trail before this request adds its own entry to it (no double count).
      const usage = this.#usage;
      // On record before any value is decrypted or sent; if this throws, nothing happens (fail closed).
      if (secrets.length > 0) await this.#audit?.append({ ...trail, action: 'secret.resolve', outcome: 'ok' });
      const outgoing = this.#resolveInto(request, secrets, injected, principal.env);
      countUses(usage, secrets);
      sent = true;
      const exchange = await sendFollowingRedirects(outgoing, {
        dispatcher: () => this.#egress.dispatcherFor(principal),
        timeoutMs: request.timeoutMs,
        readLimit: request.maxBytes + this.#redactor.longestPattern + 4,
        isOriginOptedIn: (origin) => this.#egress.optedIn(principal, origin),
        // A quarantined origin is refused on every hop, not only as the first URL.
        refuseHop: (first, next) => redirectRefusal(secrets, first, next) ?? (this.#quarantine?.isQuarantined(next.origin) ? `the redirect's origin ${QUARANTINED}` : undefined),
      });
      const { response, url, ...redirects } = exchange;
      const presented = await presentResponse(this.#redactor, response, request.maxBytes, this.#egress.allowsRange(url.origin), url.toString());
      // The final URL and the reason a redirect was not followed quote the upstream's Location.
      const into = { text: '', names: new Set<string>(), pieces: presented.findings.pieces, limited: false };
      const shownUrl = screen(this.#redactor, url.toString(), into).text;
      if (redirects.redirectNotFollowed !== undefined) redirects.redirectNotFollowed = screen(this.#redactor, redirects.redirectNotFollowed, into).text;
      const placed = new Set([...trail.secrets, ...(options.exchange ?? [])]);
      const shown = this.#judge.judge(principal, trail, presented.findings, placed, presented.view, url.origin);
      const result: HttpResult = { ...shown, url: shown.withheld && presented.findings.pieces.size > 0 ? request.target.origin : shownUrl, durationMs: round(performance.now() - started), ...redirects };
      await this.#recordAfter({ ...trail, action: 'request.sent', outcome: 'ok', status: result.status, durationMs: result.durationMs });
      if (logger().isLevelEnabled('debug')) logger().debug({ ...trail, status: result.status, durationMs: result.durationMs }, 'request sent');
      return result;
    } catch (err) {
      const placed = new Set([...(trail.secrets ?? []), ...(options.exchange ?? [])]);
      const scrubbed = this.#judge.failure(principal, this.#redactor, err, trail, placed, sent);
      if (sent) {
        await this.#recordAfter({ ...trail, action: 'request.sent', outcome: 'error', reason: scrubbed.code, durationMs: round(performance.now() - started) });
      } else if (scrubbed.code !== 'AUDIT_UNAVAILABLE') {
        await this.#recordAfter({ ...trail, action: 'request.denied', outcome: 'denied', reason: scrubbed.code });
      }
      logger().warn({ principal: principal.id, secrets: trail.secrets, method: trail.method, origin: trail.origin, code: scrubbed.code }, `request refused: ${scrubbed.message}`);
      throw scrubbed;
    }
  }

  /** Decrypts just the authorized secrets and places them: the only place a value meets a request. */
  #resolveInto(request: ParsedRequest, secrets: SecretInfo[], injected: string[], env: string): OutgoingRequest {
    const values = new Map<string, string>();
    // Nothing to add to the redactor: complete() indexed every value of the revision resolve() reads.
    for (const info of secrets) values.set(info.name, this.#vault.resolve(info.name, env));
    const secretOf = (name: string) => values.get(name) ?? fail(`secret ${name} was not resolved`);
    const rules = injected.map((name) => ({ name, inject: secrets.find((s) => s.name === name)?.inject }));
    return buildOutgoing(request, secretOf, rules, (origin) => this.#egress.allowsRange(origin));
  }

  /** For callers composing the broker (task runs): an entry on the same trail; throws AUDIT_UNAVAILABLE (fail closed). */
  async record(fields: AuditFields): Promise<void> {
    await this.#audit?.append(fields);
  }

  /** For entries after the fact (the request already left): a failure is logged, not thrown. */
  async #recordAfter(fields: AuditFields): Promise<void> {
    try {
      await this.#audit?.append(fields);
    } catch (err) {
      logger().error({ code: (err as BlindfoldError).code }, 'audit append failed after a request completed');
    }
  }

  /** A value composed from judged answers (a task's output), scanned once more; a piece there is judged as in one more answer. */
  redactValue(principal: Principal, value: unknown, placed: readonly string[], task: string): unknown {
    return this.#judge.composed(principal, this.#redactor, value, { principal: principal.id, env: principal.env, task, secrets: [...placed] }, new Set(placed));
  }

  /**
   * Promise 4a, the tripwire. A stored value can reach an agent's input only by guessing, so
   * secret material in it refuses the call, is recorded as an attack and suspends the principal.
   */
  async screenInput(principal: Principal, agentInput: unknown): Promise<void> {
    await this.#vault.refresh();
    await this.#index.complete();
    await this.#screen(principal, agentInput);
  }

  /** The tripwire on a vault already refreshed and an index already complete. */
  async #screen(principal: Principal, agentInput: unknown): Promise<void> {
    await this.refuseIfStopped(principal);
    await this.#judge.screenInput(principal, this.#redactor, agentInput);
    // Another call of the principal tripped the wire while this input was scanned: nothing is sent.
    this.#judge.refuseInFlight(principal);
  }

  /** Runs bookkeeping after the reply, in order; a failure is logged (the answer already left). */
  #later(work: () => Promise<void>): void {
    this.#bookkeeping = this.#bookkeeping.then(work).catch((err) => logger().error({ code: (err as BlindfoldError).code }, 'hit bookkeeping failed'));
  }

  /** Refuses a call of a suspended (or ended) principal: every call, listings and polls included. */
  async refuseIfStopped(principal: Principal): Promise<void> {
    // Bookkeeping of the last answer (an allowance spent past its end) lands before the next call.
    await this.#bookkeeping;
    if (this.#suspensions && isStopped(this.#suspensions, principal)) throw suspendedRefusal(principal.id);
    if (principal.ended?.aborted) throw new BlindfoldError('REQUEST_REFUSED', 'this handle was ended (its token revoked or expired, or its session closed): nothing more is sent for it');
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
