/**
 * The admin page on the team server (`serve --http`), under `/ui`: the same app as `blindfold ui`,
 * with the team server's Host/Origin allow-lists, and a login form that takes only admin tokens
 * (tokens created with `--admin`; they open this page and nothing more on /mcp). The team server
 * hands every request under `/ui` here (src/mcp/http.ts); the app sees it without the prefix.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { AllowLists } from '../mcp/http-guard.js';
import { createUiApp } from './app.js';
import type { UiBackend } from './backend.js';
import { Sessions, type AdminTokens, type SessionLimits } from './sessions.js';

export const PAGE_BASE = '/ui';

export interface TeamPageOptions {
  backend: UiBackend;
  adminTokens: AdminTokens;
  limits?: Partial<SessionLimits>;
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A handler for requests whose path is `/ui` or under it. */
export function teamPage(options: TeamPageOptions, lists: () => AllowLists): NodeHandler {
  const app = createUiApp({
    backend: options.backend,
    sessions: new Sessions(options.limits),
    lists,
    cookieName: `bf_ui_${randomBytes(4).toString('hex')}`,
    base: PAGE_BASE,
    adminTokens: options.adminTokens,
  });
  const listener = getRequestListener(app.fetch);
  return async (req, res) => {
    req.url = (req.url ?? '/').slice(PAGE_BASE.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    await listener(req, res);
  };
}
