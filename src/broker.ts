/**
 * The one service every front end (MCP tools, CLI, team server) goes through:
 *
 *   request → policy (names, placements, hosts) → resolve (decrypt just what is needed)
 *           → send (guarded egress, redirects hop by hop) → redact → result
 *
 * It knows nothing of MCP or the CLI. Every string it returns or throws has been through the
 * redactor, which holds fingerprints of every value in the vault (all environments and kept
 * versions, resolved here or not), re-indexed whenever the vault's revision changes.
 */
import { BlindfoldError, describeError } from './errors.js';
import { addLogScrubber, logger } from './log.js';
import { assertUrlAllowedBeforeDns, createGuardedAgent, type Resolver } from './egress/connector.js';
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  MAX_MAX_BYTES,
  MAX_TIMEOUT_MS,
  send,
  type OutgoingRequest,
  type RawResponse,
} from './egress/client.js';
import { exactOrigin, findMatchingHost } from './policy/hosts.js';
import { parseInject, renderInject } from './policy/inject.js';
import { Redactor } from './redact/redactor.js';
import { analyzeRequest, HTTP_METHODS, renderRequestUrl, type AgentRequest, type SecretUse } from './template/request.js';
import { parseTemplate, renderTemplate } from './template/parse.js';
import { closestNames } from './template/suggest.js';
import type { SecretInfo, Vault } from './vault/vault.js';
import type { AuditLog } from './audit/log.js';
import type { AuditFields } from './audit/chain.js';
import type { SuspensionList } from './policy/suspensions.js';
import { usageFromAudit, type Usage } from './audit/query.js';

export { HTTP_METHODS, type HttpMethod } from './template/request.js';
export const MAX_REDIRECTS = 5;
/** Values fed to the redactor per turn of the event loop while the index is built after start. */
const INDEX_SLICE = 50;

/** Who is asking: an agent connection. Its environment is fixed by the admin, never by the agent. */
export interface Principal {
  id: string;
  env: string;
  /** Secret-name globs this principal may list and use (`*` wildcard); undefined = all. */
  secrets?: string[];
}

export interface HttpRequestInput extends AgentRequest {
  timeoutMs?: number;
  maxBytes?: number;
}

/** How a request is made beyond what an agent can ask for: only task files (admin-written) set these. */
export interface RequestOptions {
  /** Secrets placed by their own inject rule (a task step's `secret_name`), replacing a same-name header. */
  inject?: string[];
  /** The task this request is a step of, for the audit trail. */
  task?: string;
}

export interface BinarySummary {
  contentType: string;
  size: number;
  /** Omitted when the bytes contained a secret (a hash of a known body is a guessing oracle). */
  sha256?: string;
}

export interface HttpResult {
  status: number;
  statusText: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  json?: unknown;
  binary?: BinarySummary;
  truncated: boolean;
  redacted: string[];
  durationMs: number;
  redirects: number;
  /** Set when a redirect was returned instead of followed, saying why. */
  redirectNotFollowed?: string;
}

export interface SecretListing extends SecretInfo {
  lastUsedAt: string | null;
  useCount: number;
}

export interface BrokerOptions {
  vault: Vault;
  /** Where every resolution and denial is recorded before anything leaves (fail closed). */
  audit?: AuditLog;
  /** Test seam: lets tests make names resolve to private addresses. */
  resolver?: Resolver;
  /** Exact origins the admin allows even on special addresses (server config). */
  allowOrigins?: string[];
  /** Principals the tripwire suspended (promise 4a); without it a hit still refuses the call. */
  suspensions?: SuspensionList;
}

const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive', 'expect']);

export class Broker {
  readonly vault: Vault;
  readonly redactor = new Redactor();
  readonly #dispatcher;
  readonly #configOrigins: Set<string>;
  readonly #audit: AuditLog | undefined;
  readonly #unhookLogs: () => void;
  /** Usage counted from the audit trail, read on first need (not at start: the trail can be large). */
  #usageFromTrail: Map<string, Usage> | undefined;
  readonly #auditPath: string | undefined;
  readonly #suspensions: SuspensionList | undefined;
  /** Vault revision the redactor last indexed (-1: never). */
  #indexedRevision = -1;
  /** The values of that revision not yet fed to the redactor (undefined: none left). */
  #indexPending: Iterator<{ name: string; value: string }> | undefined;
  #indexTimer: NodeJS.Immediate | undefined;

  constructor(options: BrokerOptions) {
    this.vault = options.vault;
    this.#audit = options.audit;
    // Usage comes from the audit trail rather than counters in the vault: no vault write per request.
    this.#auditPath = options.audit?.path;
    this.#suspensions = options.suspensions;
    this.#configOrigins = new Set((options.allowOrigins ?? []).map((o) => new URL(o).origin));
    // Second wall: any log line that somehow carries a value resolved here is scrubbed before writing.
    this.#unhookLogs = addLogScrubber((line) => this.redactor.redact(line).text);
    // Indexed after start in slices, each its own turn of the event loop, so that answering
    // initialize and tools/list never waits for every value of a large vault (B4); a request that
    // comes first finishes the index synchronously before it resolves or screens anything.
    this.#indexTimer = setImmediate(() => this.#indexInSlices());
    this.#dispatcher = createGuardedAgent({
      resolver: options.resolver,
      isOriginAllowed: (origin) => this.#isOriginOptedIn(origin),
    });
  }

  /**
   * Feeds the redactor every value of the vault when its revision moved (at start, and after a
   * refresh that read a change): one comparison per request otherwise, no decryption. Values are
   * only ever added, so a value deleted or replaced since start stays redacted. Feeds at most
   * `limit` values (all by default) and says whether every value of the current revision is in.
   */
  #indexVault(limit = Infinity): boolean {
    if (!this.#indexPending) {
      if (this.#indexedRevision === this.vault.revision) return true;
      this.#indexedRevision = this.vault.revision;
      this.#indexPending = this.vault.everyValue();
    }
    for (let fed = 0; fed < limit; fed++) {
      const next = this.#indexPending.next();
      if (next.done) {
        this.#indexPending = undefined;
        // A revision that moved while it was being fed is indexed again from its start.
        return this.#indexVault(limit - fed);
      }
      this.redactor.add(next.value);
    }
    return false;
  }

  #indexInSlices(): void {
    if (!this.#indexVault(INDEX_SLICE)) this.#indexTimer = setImmediate(() => this.#indexInSlices());
  }

  async close(): Promise<void> {
    clearImmediate(this.#indexTimer);
    this.#unhookLogs();
    await this.#dispatcher.close();
  }

  async listSecrets(principal: Principal, filter?: string): Promise<SecretListing[]> {
    await this.vault.refresh();
    const needle = filter?.toLowerCase();
    return this.vault
      .list()
      .filter((s) => mayUse(principal, s.name))
      .filter((s) => !needle || s.name.toLowerCase().includes(needle) || s.description.toLowerCase().includes(needle))
      .map((s) => ({ ...s, lastUsedAt: this.#usage.get(s.name)?.lastUsedAt ?? null, useCount: this.#usage.get(s.name)?.useCount ?? 0 }));
  }

  get #usage(): Map<string, Usage> {
    this.#usageFromTrail ??= this.#auditPath ? usageFromAudit(this.#auditPath) : new Map();
    return this.#usageFromTrail;
  }

  async httpRequest(principal: Principal, input: HttpRequestInput, options: RequestOptions = {}): Promise<HttpResult> {
    const started = performance.now();
    const trail: RequestTrail = {
      principal: principal.id,
      env: principal.env,
      method: String(input.method).toUpperCase(),
      ...(options.task ? { task: options.task } : {}),
    };
    try {
      const result = await this.#httpRequest(principal, input, options, started, trail);
      await this.#recordAfter({ ...trail, action: 'request.sent', outcome: 'ok', status: result.status, durationMs: result.durationMs });
      if (logger().isLevelEnabled('debug')) {
        logger().debug({ principal: principal.id, secrets: trail.secrets, method: trail.method, origin: trail.origin, status: result.status, durationMs: result.durationMs }, 'request sent');
      }
      return result;
    } catch (err) {
      const scrubbed = this.#scrubError(err);
      if (trail.sent) {
        await this.#recordAfter({ ...trail, action: 'request.sent', outcome: 'error', reason: scrubbed.code, durationMs: round(performance.now() - started) });
      } else if (scrubbed.code !== 'AUDIT_UNAVAILABLE') {
        await this.#recordAfter({ ...trail, action: 'request.denied', outcome: 'denied', reason: `${scrubbed.code}: ${scrubbed.message}`.slice(0, 500) });
      }
      logger().warn({ principal: principal.id, secrets: trail.secrets, method: trail.method, origin: trail.origin, code: scrubbed.code }, `request refused: ${scrubbed.message}`);
      throw scrubbed;
    }
  }

  /** For callers composing the broker (task runs, exec): an entry on the same trail, fail closed. */
  async record(fields: AuditFields): Promise<void> {
    await this.#record(fields);
  }

  /** Appends an audit entry; throws AUDIT_UNAVAILABLE, which refuses the call. */
  async #record(fields: AuditFields): Promise<void> {
    await this.#audit?.append(fields);
  }

  /** For entries after the fact (the request already left): a failure is logged, not thrown. */
  async #recordAfter(fields: AuditFields & { sent?: boolean }): Promise<void> {
    const { sent: _sent, ...entry } = fields;
    try {
      await this.#audit?.append(entry);
    } catch (err) {
      logger().error({ code: (err as BlindfoldError).code }, 'audit append failed after a request completed');
    }
  }

  /**
   * Promise 4a, the tripwire. A stored value can reach an agent's input only by guessing, so
   * secret material in it refuses the call, is recorded as an attack and suspends the principal
   * until a human clears it. The refusal names no input: it must not confirm which guess matched.
   * Task runs screen the agent's inputs (not the rendered steps, which hold upstream text).
   */
  async screenInput(principal: Principal, agentInput: unknown): Promise<void> {
    this.#refuseIfSuspended(principal);
    // The wire knows every value in the vault: index it now if the vault moved since (one stat).
    await this.vault.refresh();
    this.#indexVault();
    if (this.redactor.redact(JSON.stringify(agentInput) ?? '').redacted.length === 0) return;
    // Suspended first: if the audit entry then cannot be written, the principal is still stopped.
    this.#suspensions?.suspend(principal.id, 'secret material in its input (tripwire)');
    await this.#record({ action: 'request.attack', principal: principal.id, env: principal.env, outcome: 'denied', reason: 'secret material in the agent input' });
    logger().warn({ principal: principal.id }, 'tripwire: secret material in an agent input; principal suspended');
    throw new BlindfoldError(
      'REQUEST_REFUSED',
      `the request was refused and ${principal.id} is suspended: its input held secret material, which an agent can only have by guessing. ` +
        `An admin can review it with \`blindfold audit --action request.attack\` and lift the suspension with \`blindfold clear ${principal.id}\``,
    );
  }

  #refuseIfSuspended(principal: Principal): void {
    if (!this.#suspensions?.isSuspended(principal.id)) return;
    throw new BlindfoldError(
      'PRINCIPAL_SUSPENDED',
      `${principal.id} is suspended after a tripwire hit; nothing is sent until an admin runs \`blindfold clear ${principal.id}\``,
    );
  }

  async #httpRequest(principal: Principal, input: HttpRequestInput, options: RequestOptions, started: number, trail: RequestTrail): Promise<HttpResult> {
    await this.vault.refresh();
    this.#indexVault();
    if (options.task) this.#refuseIfSuspended(principal);
    else await this.screenInput(principal, input);
    const method = input.method.toUpperCase();
    if (!(HTTP_METHODS as readonly string[]).includes(method)) {
      throw new BlindfoldError('BAD_INPUT', `method ${JSON.stringify(input.method)} is not supported; use one of ${HTTP_METHODS.join(', ')}`);
    }
    if (input.body !== undefined && input.json !== undefined) {
      throw new BlindfoldError('BAD_INPUT', 'give either body or json, not both');
    }
    const timeoutMs = clamp(input.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
    const maxBytes = clamp(input.maxBytes ?? DEFAULT_MAX_BYTES, 1, MAX_MAX_BYTES);
    checkHeaderNames(input.headers);

    const analyzed = analyzeRequest(input);
    // The authority is literal (analyzeRequest refuses expressions there), so the destination is
    // known before any value is resolved.
    const target = parseTarget(renderRequestUrl(input.url, (name) => `{secrets.${name}}`));
    trail.origin = target.origin;
    // As sent on the wire (percent-encoded, `<secrets.X>` as %7Bsecrets.X%7D), never decoded: a
    // decoded path would carry the agent's control characters into an admin's terminal.
    trail.path = target.pathname;
    const injected = [...new Set(options.inject ?? [])];
    trail.secrets = [...new Set([...analyzed.names, ...injected])];
    const secrets = this.#authorize(principal, analyzed.uses, injected, target);
    // Usage is read from the trail before this request adds its own entry to it (no double count).
    const usage = this.#usage;
    // On record before any value is decrypted or sent; if this throws, nothing happens (fail closed).
    if (secrets.length > 0) {
      const { sent: _sent, ...entry } = trail;
      await this.#record({ ...entry, action: 'secret.resolve', outcome: 'ok' });
    }

    const values = new Map<string, string>();
    for (const info of secrets) {
      const value = this.vault.resolve(info.name, principal.env);
      values.set(info.name, value);
      this.redactor.add({ name: info.name, value });
    }
    const secretOf = (name: string) => {
      const v = values.get(name);
      if (v === undefined) throw new BlindfoldError('INTERNAL', `secret ${name} was not resolved`);
      return v;
    };

    const outgoing: OutgoingRequest = {
      method,
      url: parseTarget(renderRequestUrl(input.url, secretOf)),
      headers: {},
      body: undefined,
    };
    // Values are percent-encoded into path and query only, so the origin cannot move; checked anyway.
    if (outgoing.url.origin !== target.origin) {
      throw new BlindfoldError('PLACEMENT_NOT_ALLOWED', 'the rendered URL points at another origin than the template; refused');
    }
    for (const [k, v] of Object.entries(input.query ?? {})) {
      outgoing.url.searchParams.append(k, renderTemplate(parseTemplate(v), { secret: secretOf }));
    }
    for (const [k, v] of Object.entries(input.headers ?? {})) {
      const rendered = renderTemplate(parseTemplate(v), { secret: secretOf });
      if (/[\r\n\0]/.test(rendered)) {
        throw new BlindfoldError('HEADER_NOT_ALLOWED', `header ${k} would contain a line break or NUL; refused`);
      }
      outgoing.headers[k.toLowerCase()] = rendered;
    }
    for (const name of injected) {
      const info = secrets.find((s) => s.name === name)!;
      const placed = renderInject(parseInject(info.inject), secretOf(name));
      if (placed.placement === 'header') outgoing.headers[placed.name.toLowerCase()] = placed.value;
      else outgoing.url.searchParams.set(placed.name, placed.value);
    }
    if (input.json !== undefined) {
      outgoing.body = JSON.stringify(renderJson(input.json, secretOf));
      outgoing.headers['content-type'] ??= 'application/json';
    } else if (input.body !== undefined) {
      outgoing.body = renderTemplate(parseTemplate(input.body), { secret: secretOf });
    }

    const usedNames = [...values.keys()];
    const now = new Date().toISOString();
    for (const name of usedNames) {
      const u = usage.get(name) ?? { lastUsedAt: now, useCount: 0 };
      usage.set(name, { lastUsedAt: now, useCount: u.useCount + 1 });
    }

    trail.sent = true;
    const signal = AbortSignal.timeout(timeoutMs);
    const readLimit = maxBytes + this.redactor.longestPattern + 4;
    let response: RawResponse;
    let redirects = 0;
    let redirectNotFollowed: string | undefined;
    const firstOrigin = outgoing.url.origin;
    for (;;) {
      assertUrlAllowedBeforeDns(outgoing.url, (origin) => this.#isOriginOptedIn(origin));
      response = await send(outgoing, { dispatcher: this.#dispatcher, signal, readLimit });
      const location = response.headers.location;
      if (![301, 302, 303, 307, 308].includes(response.status) || !location) break;
      let next: URL;
      try {
        next = new URL(location, outgoing.url);
      } catch {
        redirectNotFollowed = 'the Location header is not a valid URL';
        break;
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        redirectNotFollowed = `redirects to ${next.protocol} are never followed`;
        break;
      }
      if (usedNames.length > 0 && next.origin !== firstOrigin) {
        redirectNotFollowed = 'the redirect leads to another origin and the request carries secrets, which never travel to another origin';
        break;
      }
      for (const info of secrets) {
        if (!findMatchingHost(info.hosts, next)) {
          redirectNotFollowed = `the redirect target is not a host ${info.name} is bound to`;
          break;
        }
      }
      if (redirectNotFollowed) break;
      // A loop has no useful answer to return (the next hop would just redirect again): refused.
      if (redirects >= MAX_REDIRECTS) throw new BlindfoldError('REDIRECT_LIMIT', `more than ${MAX_REDIRECTS} redirects; stopped following at ${next.origin}`);
      redirects++;
      outgoing.url = next;
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && outgoing.method === 'POST')) {
        outgoing.method = 'GET';
        outgoing.body = undefined;
        delete outgoing.headers['content-type'];
      }
    }

    const finalUrl = this.redactor.redact(outgoing.url.toString()).text;
    return { ...this.#present(response, maxBytes), url: finalUrl, durationMs: round(performance.now() - started), redirects, ...(redirectNotFollowed ? { redirectNotFollowed } : {}) } as HttpResult;
  }

  /** Policy checks for every secret the request names; throws before anything is resolved or sent. */
  #authorize(principal: Principal, uses: SecretUse[], injected: string[], target: URL): SecretInfo[] {
    const byName = new Map<string, SecretInfo>();
    const lookup = (name: string): SecretInfo => {
      let info = byName.get(name);
      if (!info) {
        if (!this.vault.has(name) || !mayUse(principal, name)) {
          const visible = this.vault.names().filter((n) => mayUse(principal, n));
          const close = closestNames(name, visible);
          throw new BlindfoldError(
            'SECRET_NOT_FOUND',
            `no secret named ${name}${close.length ? `; did you mean ${close.join(', ')}?` : ''} (list_secrets shows the names you can use)`,
            { name, suggestions: close },
          );
        }
        info = this.vault.get(name);
        byName.set(name, info);
      }
      return info;
    };
    // An inject rule is the admin's own placement for the secret, so it needs no placement grant.
    for (const name of injected) lookup(name);
    for (const use of uses) {
      const info = lookup(use.name);
      if (!info.placements.includes(use.placement)) {
        throw new BlindfoldError(
          'PLACEMENT_NOT_ALLOWED',
          `${use.name} may not be placed in the ${use.placement} (${use.where}); it is allowed in: ${info.placements.join(', ')}. ` +
            `An admin can change this with \`blindfold set ${use.name} --keep-value --placement ...\``,
          { name: use.name, placement: use.placement },
        );
      }
    }
    for (const info of byName.values()) {
      if (!findMatchingHost(info.hosts, target)) {
        throw new BlindfoldError(
          'HOST_NOT_ALLOWED',
          `${info.name} may not be sent to ${target.origin}; it is bound to ${info.hosts.join(', ') || 'no host at all'}. ` +
            `An admin can add a host with \`blindfold set ${info.name} --keep-value --host ...\``,
          { name: info.name, origin: target.origin, hosts: info.hosts },
        );
      }
    }
    return [...byName.values()];
  }

  /** Exact origins named in secrets' hosts, rebuilt only when the vault listing changes. */
  #optedIn: { listing: readonly SecretInfo[]; origins: Set<string> } | undefined;

  #isOriginOptedIn(origin: string): boolean {
    if (this.#configOrigins.has(origin)) return true;
    const listing = this.vault.list();
    if (this.#optedIn?.listing !== listing) {
      const origins = new Set<string>();
      for (const info of listing) {
        for (const host of info.hosts) {
          const exact = exactOrigin(host);
          if (exact) origins.add(exact);
        }
      }
      this.#optedIn = { listing, origins };
    }
    return this.#optedIn.origins.has(origin);
  }

  /** Status text, headers and body, each redacted; the body is redacted before it is truncated. */
  #present(res: RawResponse, maxBytes: number): Omit<HttpResult, 'url' | 'durationMs' | 'redirects' | 'redirectNotFollowed'> {
    const found = new Set<string>();
    const scrub = (text: string) => {
      const r = this.redactor.redact(text);
      for (const n of r.redacted) found.add(n);
      return r.text;
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) headers[scrub(k)] = scrub(v);
    const statusText = scrub(res.statusText);
    const contentType = res.headers['content-type'] ?? '';

    if (!looksLikeText(contentType, res.body)) {
      const latin = this.redactor.redact(res.body.toString('latin1'));
      const utf = this.redactor.redact(res.body.toString('utf8'));
      const hits = [...latin.redacted, ...utf.redacted];
      for (const n of hits) found.add(n);
      const binary: BinarySummary = { contentType: contentType || 'application/octet-stream', size: res.body.length };
      if (hits.length === 0 && !res.cut) binary.sha256 = res.sha256;
      return { status: res.status, statusText, headers, binary, truncated: res.cut, redacted: [...found].sort() };
    }

    const stream = this.redactor.stream();
    let text = stream.push(new TextDecoder('utf-8').decode(res.body));
    // When the read was cut, the held-back tail may be a partial value: it is dropped, not flushed.
    if (!res.cut) text += stream.end();
    for (const n of stream.redacted) found.add(n);
    let truncated = res.cut;
    // The cap is on the body as it travels in the tool result (JSON-escaped UTF-8), not on characters.
    const fits = jsonPrefixWithin(text, maxBytes);
    if (fits < text.length) {
      text = text.slice(0, fits);
      truncated = true;
    }
    const result: Omit<HttpResult, 'url' | 'durationMs' | 'redirects' | 'redirectNotFollowed'> = {
      status: res.status,
      statusText,
      headers,
      truncated,
      redacted: [...found].sort(),
    };
    if (!truncated && /\bjson\b|\+json/i.test(contentType)) {
      try {
        // Parsing decodes every JSON escape (\u0022, \u00e9, ...): spellings the text scan may not
        // know turn back into raw values here, so the parsed strings are scanned once more.
        // Nesting past MAX_JSON_DEPTH stays text: every consumer down the line recurses on it (a
        // Python client's parser stops near 1000 levels).
        const scrubDeep = (v: unknown, depth: number): unknown => {
          if (depth > MAX_JSON_DEPTH) throw new RangeError('nested too deep');
          return typeof v === 'string'
            ? scrub(v)
            : Array.isArray(v)
              ? v.map((x) => scrubDeep(x, depth + 1))
              : v && typeof v === 'object'
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), scrubDeep(x, depth + 1)]))
                : v;
        };
        const json = scrubDeep(JSON.parse(text), 0);
        // Parsed values can serialise longer than their text (`1e9` is 10 characters once parsed):
        // past the cap, the text (already within it) is handed back as the body instead.
        if (Buffer.byteLength(JSON.stringify(json) ?? '') <= maxBytes) {
          result.json = json;
          result.redacted = [...found].sort();
          return result;
        }
        result.redacted = [...found].sort();
      } catch {
        // fall through: hand back the text as is
      }
    }
    result.body = text;
    return result;
  }

  #scrubError(err: unknown): BlindfoldError {
    const message = this.redactor.redact(describeError(err)).text;
    if (err instanceof BlindfoldError) {
      return new BlindfoldError(err.code, message, err.details ? JSON.parse(this.redactor.redact(JSON.stringify(err.details)).text) : undefined);
    }
    return new BlindfoldError('INTERNAL', message);
  }
}

interface RequestTrail {
  principal: string;
  env: string;
  method: string;
  origin?: string;
  path?: string;
  secrets?: string[];
  task?: string;
  sent?: boolean;
}

function mayUse(principal: Principal, name: string): boolean {
  if (!principal.secrets) return true;
  return principal.secrets.some((glob) => globToRegExp(glob).test(name));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function checkHeaderNames(headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new BlindfoldError('HEADER_NOT_ALLOWED', `header name ${JSON.stringify(name.slice(0, 60))} is not a valid HTTP token`);
    }
    if (FORBIDDEN_HEADERS.has(lower) || lower.startsWith('proxy-')) {
      throw new BlindfoldError('HEADER_NOT_ALLOWED', `header ${name} is set by Blindfold itself and may not be given`);
    }
    if (/[\r\n\0]/.test(value)) {
      throw new BlindfoldError('HEADER_NOT_ALLOWED', `header ${name} contains a line break or NUL; refused`);
    }
  }
}

function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BlindfoldError('BAD_INPUT', 'the url is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BlindfoldError('SCHEME_NOT_ALLOWED', `only http: and https: URLs are allowed, not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new BlindfoldError('BAD_INPUT', 'URLs with user info (user:pass@) are refused; put credentials in a header');
  }
  return parsed;
}

function renderJson(value: unknown, secret: (name: string) => string): unknown {
  if (typeof value === 'string') return renderTemplate(parseTemplate(value), { secret });
  if (Array.isArray(value)) return value.map((v) => renderJson(v, secret));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, secret)]));
  }
  return value;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|problem\+json|problem\+xml|graphql)|[^;]*\+(json|xml))/i;

function looksLikeText(contentType: string, body: Buffer): boolean {
  if (TEXT_TYPES.test(contentType.trim())) return true;
  if (contentType.trim() !== '') return false;
  const head = body.subarray(0, 4096);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    return true;
  } catch {
    return false;
  }
}

/** Deeper JSON answers come back as text (`body`), not parsed (`json`). */
export const MAX_JSON_DEPTH = 256;

/**
 * How many leading UTF-16 units of `text` fit in `budget` bytes once JSON-escaped and UTF-8 encoded
 * (the quotes not counted). Never ends between the halves of a surrogate pair.
 */
export function jsonPrefixWithin(text: string, budget: number): number {
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let cost: number;
    let units = 1;
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) cost = 2;
    else if (c < 0x20) cost = 6;
    else if (c < 0x80) cost = 1;
    else if (c < 0x800) cost = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      cost = 4;
      units = 2;
    } else if (c >= 0xd800 && c <= 0xdfff) cost = 6; // a lone surrogate is written \udxxx
    else cost = 3;
    if (used + cost > budget) return i;
    used += cost;
    i += units - 1;
  }
  return text.length;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(n)));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
