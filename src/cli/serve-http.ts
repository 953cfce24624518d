/**
 * `blindfold serve --http`: the team server (src/mcp/http.ts) over an opened vault. The flags are
 * checked before the vault is opened; whether it may start at all (tokens, or --no-auth on
 * loopback) once it is. There is no silent open door: without a token the server refuses to start
 * unless --no-auth was given, which is loopback-only and fixed at start, so revoking the last
 * token never opens it.
 */
import { BlindfoldError } from '../errors.js';
import type { AuditTrail } from '../audit/trail.js';
import { logger } from '../log.js';
import { isLoopbackHost } from '../mcp/http-guard.js';
import { UNAUTHENTICATED, type HttpAuth } from '../mcp/http-auth.js';
import type { Vault } from '../vault/vault.js';
import { note } from './io.js';

export interface HttpFlags {
  http?: boolean;
  host?: string;
  port?: string;
  /** commander's `--no-auth`: false when given. */
  auth?: boolean;
  allowedHost?: string[];
  allowedOrigin?: string[];
  idleTimeout?: string;
  trustProxy?: boolean;
}

export interface HttpPlan {
  host: string;
  port: number;
  noAuth: boolean;
  idleMs: number;
  allowedHosts: string[];
  allowedOrigins: string[];
  trustProxy: boolean;
}

export const DEFAULT_PORT = 7777;
export const DEFAULT_IDLE_SECONDS = 1800;

/** The HTTP flags, checked before anything is opened; the values given are not repeated (one may be a key pasted in the wrong place). */
export function planHttp(flags: HttpFlags): HttpPlan {
  const host = flags.host ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) throw new BlindfoldError('BAD_INPUT', '--host expects an address or host name to bind, e.g. 127.0.0.1 or 0.0.0.0 (what was given is not repeated)');
  const port = flags.port === undefined ? DEFAULT_PORT : Number(flags.port);
  if (!/^\d{1,5}$/.test(flags.port ?? '0') || !Number.isInteger(port) || port > 65535) {
    throw new BlindfoldError('BAD_INPUT', '--port expects a port number from 0 to 65535 (0: any free port)');
  }
  const idle = Number(flags.idleTimeout ?? DEFAULT_IDLE_SECONDS);
  if (!/^\d{1,7}$/.test(flags.idleTimeout ?? '0') || idle < 1) throw new BlindfoldError('BAD_INPUT', '--idle-timeout expects a whole number of seconds, at least 1');
  const noAuth = flags.auth === false;
  if (noAuth && !isLoopbackHost(host)) {
    throw new BlindfoldError('BAD_INPUT', '--no-auth is for loopback only (127.0.0.1, ::1, localhost): anyone who can reach another address would use every secret. Give each agent a token instead: `blindfold token create NAME --secrets GLOB`');
  }
  for (const h of flags.allowedHost ?? []) {
    if (!/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:]+\](:\d{1,5})?$/.test(h)) throw new BlindfoldError('BAD_INPUT', '--allowed-host expects a host name, optionally with :port (what was given is not repeated)');
  }
  for (const o of flags.allowedOrigin ?? []) {
    if (!/^https?:\/\/[A-Za-z0-9.[\]:-]{1,260}\/?$/.test(o)) throw new BlindfoldError('BAD_INPUT', '--allowed-origin expects an origin such as https://agents.example.com (what was given is not repeated)');
  }
  return { host, port, noAuth, idleMs: idle * 1000, allowedHosts: flags.allowedHost ?? [], allowedOrigins: flags.allowedOrigin ?? [], trustProxy: flags.trustProxy === true };
}

/** Refuses to start a server no request could use safely: no token and no --no-auth. */
export function checkCanStart(plan: HttpPlan, vault: Vault): number {
  const tokens = vault.tokens.list().length;
  if (!plan.noAuth && tokens === 0) {
    throw new BlindfoldError(
      'BAD_INPUT',
      'serve --http has no agent token to check requests against, and does not serve without one. ' +
        'Create one per agent: `blindfold token create NAME --secrets GLOB` (then restart serve --http); ' +
        'or, for one person on this machine only, add --no-auth (loopback only)',
    );
  }
  return tokens;
}

/** How requests are authenticated: each one's token looked up afresh (revocation and expiry apply at once), refusals audited. */
export function httpAuth(plan: HttpPlan, vault: Vault, trail: () => AuditTrail): HttpAuth {
  const denied = async (reason: string, principal?: string) => {
    logger().warn({ principal: principal ?? UNAUTHENTICATED, reason }, 'an HTTP request was refused: authentication');
    await trail()
      .append({ action: 'auth.denied', principal: principal ?? UNAUTHENTICATED, outcome: 'denied', reason })
      .catch((err: unknown) => logger().error({ code: (err as BlindfoldError).code }, 'a refused authentication could not be audited'));
  };
  if (plan.noAuth) return { denied };
  return {
    denied,
    lookup: async (token) => {
      // One stat when nothing changed; a token created, revoked or expiring elsewhere is seen now.
      await vault.refresh();
      return vault.tokens.lookup(token);
    },
    stillValid: async () => {
      await vault.refresh();
      const current = new Map(vault.tokens.list().map((t) => [t.name, t]));
      const now = Date.now();
      return (info) => {
        const token = current.get(info.name);
        return token !== undefined && token.createdAt === info.createdAt && !(token.expiresAt && Date.parse(token.expiresAt) <= now);
      };
    },
    changes: (onChange) => vault.store.watch(onChange),
  };
}

export interface StartedHttp {
  url: string;
  shutdown(): Promise<void>;
}

/** Prints where the server listens (tests and scripts read the URL from this line) and how it is guarded. */
export function announce(server: StartedHttp, plan: HttpPlan, vault: Vault, env: string, tokens: number): void {
  note(
    `MCP server on ${server.url} | vault ${vault.paths.vault} | environment ${env} | ${vault.size} secret(s) | ` +
      (plan.noAuth ? 'no authentication (--no-auth, loopback only): every session is the local principal http:local' : `${tokens} agent token(s); each request needs its own (Authorization: Bearer …)`),
  );
  note('health check on /healthz; admin page on /ui (tokens created with --admin log in there); stop with SIGTERM (calls in flight finish first)');
}

/** Stops on SIGTERM or SIGINT: no new request is accepted, every call in flight finishes, then the process ends with 0. */
export function stopOnSignal(server: StartedHttp, close: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      note(`${signal}: not accepting new requests; waiting for calls in flight`);
      void server
        .shutdown()
        .then(close)
        .then(() => {
          note('stopped');
          resolve();
        });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
