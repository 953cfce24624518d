/**
 * The team server (SPEC §8, issue 21): MCP over Streamable HTTP on `/mcp`, `/healthz` beside it.
 * Every request is checked in this order, and refused at the first check it fails: `Host` and
 * `Origin` (403), the bearer token (401, looked up afresh each time), the session and whether it
 * is this token's (404), the body's size (413) and the token's rate (429). A session is one
 * McpServer over the core's handle for the token's principal, never shared.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { BlindfoldError } from '../errors.js';
import { logger } from '../log.js';
import type { Blindfold } from '../open.js';
import { tokenPrincipal } from '../vault/tokens.js';
import { authenticate, sameIdentity, type HttpAuth, type Identity } from './http-auth.js';
import { allowListsFor, BodyTooLarge, hostForUrl, readCappedBody, refusedOrigin, type AllowLists } from './http-guard.js';
import { RateLimiter, toolCallsIn, type RateCounter } from './http-rate.js';
import { sessionRecheck, type SessionRecheck } from './http-recheck.js';
import { SESSIONS_PER_PRINCIPAL, SessionRegistry, type Session } from './http-sessions.js';
import { createServer } from './server.js';

export interface HttpServerOptions {
  /** The core's own handle: the local principal under `--no-auth`, the parent of every token's handle. */
  core: Blindfold;
  auth: HttpAuth;
  host: string;
  /** 0 picks a free port (the bound URL says which). */
  port: number;
  /** Largest request body read, in bytes (limits.maxArgumentBytes). */
  maxBodyBytes: number;
  /** A session with no request open for this long is closed. */
  idleMs: number;
  /** Extra `Host` values (`name` or `name:port`) and origins allowed, e.g. a reverse proxy's public name. */
  allowedHosts?: string[];
  allowedOrigins?: string[];
  /** Behind a reverse proxy: check X-Forwarded-Host instead of Host (otherwise X-Forwarded-* is ignored). */
  trustProxy?: boolean;
  /** Sessions open at once; past it a new one gets 503. */
  maxSessions?: number;
  /** Where tokens' rates are counted: the shared store's (every instance), else this process. */
  rates?: RateCounter;
  /** The admin page under `/ui` (src/ui/team.ts builds it over these allow-lists); absent: 404 there. */
  page?: (lists: () => AllowLists) => (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface RunningHttpServer {
  /** Where `/mcp` answers, e.g. http://127.0.0.1:7777/mcp. */
  url: string;
  /** Stops accepting, lets every call in flight finish, closes the sessions; resolves when all is done. */
  shutdown(): Promise<void>;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export async function serveHttp(options: HttpServerOptions): Promise<RunningHttpServer> {
  const sessions = new SessionRegistry(options.idleMs);
  const rates: RateCounter = options.rates ?? new RateLimiter();
  const maxSessions = options.maxSessions ?? 1000;
  let lists = allowListsFor(options.host, options.port, { hosts: options.allowedHosts, origins: options.allowedOrigins, trustProxy: options.trustProxy });
  let draining = false;
  let origin = '';
  const page = options.page?.(() => lists);
  let callsInFlight = 0;
  let drained: (() => void) | undefined;
  let recheck: SessionRecheck = { schedule: () => {}, stop: () => {} };

  /** Counts a POST (a call, or a message to answer) until its response is done; shutdown waits for them. */
  const countCall = (res: ServerResponse) => {
    callsInFlight++;
    res.once('close', () => {
      if (--callsInFlight === 0) drained?.();
    });
  };

  const handleMcp = async (req: IncomingMessage, res: ServerResponse) => {
    const refused = refusedOrigin(req, lists);
    if (refused) return reply(res, 403, `forbidden: this ${refused === 'host' ? 'Host' : 'Origin'} is not allowed`);
    if (draining) return reply(res, 503, 'the server is shutting down', { connection: 'close' });
    const identity = await authenticate(req, options.auth);
    if (!identity) return reply(res, 401, 'unauthorized: a valid agent token is required (Authorization: Bearer …)', { 'www-authenticate': 'Bearer realm="blindfold"' });
    const method = req.method ?? '';
    if (!['POST', 'GET', 'DELETE'].includes(method)) return reply(res, 405, 'method not allowed', { allow: 'POST, GET, DELETE' });
    const sessionId = req.headers['mcp-session-id'];
    let session: Session | undefined;
    if (typeof sessionId === 'string') {
      session = sessions.get(sessionId);
      if (session && !sameIdentity(session.identity, identity)) {
        await options.auth.denied('session of another principal', principalOf(identity));
        session = undefined;
      }
      if (!session) return reply(res, 404, 'session not found: initialize a new one', {}, -32001);
    }
    let body: unknown;
    if (method === 'POST') {
      try {
        body = JSON.parse((await readCappedBody(req, options.maxBodyBytes)).toString('utf8'));
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          return reply(res, 413, `the request is over ${options.maxBodyBytes} bytes, the limit for one message`, { connection: 'close' });
        }
        return reply(res, 400, 'parse error: the body is not JSON', {}, ErrorCode.ParseError);
      }
      const wait = await rateLimited(identity, body);
      if (wait !== undefined) return reply(res, 429, `rate limit reached: retry in ${wait} s`, { 'retry-after': String(wait) });
      countCall(res);
    }
    if (session) {
      sessions.track(session, res);
      return session.transport.handleRequest(req, res, body);
    }
    if (method === 'POST' && isInitializeRequest(body)) return openSession(identity, req, res, body);
    return reply(res, 400, 'bad request: no session; send initialize first', {}, ErrorCode.InvalidRequest);
  };

  const rateLimited = async (identity: Identity, body: unknown): Promise<number | undefined> => {
    if (identity.kind !== 'token' || !identity.info.ratePerMinute) return undefined;
    const calls = toolCallsIn(body);
    return calls === 0 ? undefined : rates.take(tokenPrincipal(identity.info.name), identity.info.ratePerMinute, calls);
  };

  const openSession = async (identity: Identity, req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const owner = identity.kind === 'token' ? tokenPrincipal(identity.info.name) : 'local';
    if (!sessions.reserve(owner, maxSessions, SESSIONS_PER_PRINCIPAL)) return reply(res, 503, 'too many sessions open; retry later', { 'retry-after': '5' });
    try {
      await startSession(identity, owner, req, res, body);
    } finally {
      sessions.release(owner);
    }
  };

  const startSession = async (identity: Identity, owner: string, req: IncomingMessage, res: ServerResponse, body: unknown) => {
    // Closing the session (its token revoked or expired, idle, or ended by the client) ends its
    // handle: a task step still to come, or a call waiting for a slot, is then refused, not sent.
    const ended = new AbortController();
    const handle =
      identity.kind === 'local'
        ? options.core
        : options.core.as({
            principal: tokenPrincipal(identity.info.name),
            secrets: identity.info.secrets,
            tasks: identity.info.tasks,
            ...(identity.info.env ? { env: identity.info.env } : {}),
            signal: ended.signal,
          });
    // request_secret links to this server's own page; behind a proxy, to its first public origin.
    const server = createServer(handle, { page: () => (page ? `${options.allowedOrigins?.[0]?.replace(/\/$/, '') ?? origin}/ui` : undefined) });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.add({ id, identity, owner, server, transport, open: 0, lastSeen: Date.now() });
        recheck.schedule();
      },
    });
    transport.onclose = () => {
      ended.abort();
      sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    // An initialize the SDK refused opened no session: nothing may stay behind.
    if (transport.sessionId === undefined || !sessions.get(transport.sessionId)) await server.close().catch(() => {});
  };

  const http: Server = createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    let work: Promise<void>;
    if (path === '/healthz') work = Promise.resolve(req.method === 'GET' || req.method === 'HEAD' ? health(res) : reply(res, 405, 'method not allowed', { allow: 'GET, HEAD' }));
    else if (path === '/mcp') work = handleMcp(req, res);
    else if (page && (path === '/ui' || path?.startsWith('/ui/'))) work = page(req, res);
    else work = Promise.resolve(reply(res, 404, 'not found: MCP is served on /mcp'));
    work.catch((err: unknown) => {
      const code = err instanceof BlindfoldError ? err.code : undefined;
      if (code === 'STORE_UNAVAILABLE' || code === 'AUDIT_UNAVAILABLE') {
        // The token could not be looked up (the database is away): refused (on stderr, and counted into the audit gap), never let through.
        void options.auth.denied(code);
        if (!res.headersSent) return reply(res, 503, `${code}: the store is unavailable; nothing was done; retry shortly`, { 'retry-after': '1' });
      } else logger().error({ err: err instanceof Error ? err.name : 'error' }, 'an HTTP request failed');
      if (!res.headersSent) reply(res, 500, 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  lists = allowListsFor(options.host, port, { hosts: options.allowedHosts, origins: options.allowedOrigins, trustProxy: options.trustProxy });
  origin = `http://${hostForUrl(options.host)}:${port}`;

  // Revocation and expiry reach sessions held open by an event stream too (http-recheck.ts).
  recheck = sessionRecheck(sessions, options.auth);

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      recheck.stop();
      draining = true;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      if (callsInFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await sessions.closeAll();
      http.closeAllConnections();
      await closed;
    })());
  return { url: `${origin}/mcp`, shutdown };
}

function principalOf(identity: Identity): string | undefined {
  return identity.kind === 'token' ? tokenPrincipal(identity.info.name) : undefined;
}

/** `/healthz`: that the process answers, nothing more (no version, no counts, no names). */
function health(res: ServerResponse): void {
  res.writeHead(200, JSON_HEADERS).end('{"ok":true}');
}

/** A refusal as the SDK shapes its own: a JSON-RPC error with no id. */
function reply(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
  res.writeHead(status, { ...JSON_HEADERS, ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

