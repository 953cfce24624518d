/**
 * Serves the admin page on one address (127.0.0.1 for `blindfold ui`) with @hono/node-server, and
 * hands out one-time login URLs. The Host allow-list is made for the port actually bound.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { hostForUrl, type AllowLists } from '../mcp/http-guard.js';
import { createUiApp } from './app.js';
import type { UiBackend } from './backend.js';
import { pageAllowLists } from './guard.js';
import { Sessions, type SessionLimits } from './sessions.js';

export interface UiServerOptions {
  backend: UiBackend;
  host: string;
  /** 0 picks a free port. */
  port: number;
  limits?: Partial<SessionLimits>;
  /** After each login: a fresh one-time URL for the next one (the door prints it). */
  onNewLoginUrl?: (url: string) => void;
}

export interface RunningUi {
  /** The page's origin, e.g. http://127.0.0.1:7778. */
  origin: string;
  /** A new one-time login URL. */
  loginUrl(): string;
  shutdown(): Promise<void>;
}

export async function startUi(options: UiServerOptions): Promise<RunningUi> {
  const sessions = new Sessions(options.limits);
  let lists: AllowLists = pageAllowLists(options.host, options.port);
  let origin = '';
  const loginUrl = () => `${origin}/login?token=${sessions.issueLogin()}`;
  const app = createUiApp({
    backend: options.backend,
    sessions,
    lists: () => lists,
    // Cookies are not told apart by port: a name of its own per instance keeps two pages apart.
    cookieName: `bf_ui_${randomBytes(4).toString('hex')}`,
    afterLogin: () => options.onNewLoginUrl?.(loginUrl()),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  lists = pageAllowLists(options.host, port);
  origin = `http://${hostForUrl(options.host)}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    origin,
    loginUrl,
    shutdown: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      })),
  };
}
