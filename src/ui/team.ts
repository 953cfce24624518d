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
import { PAGE_KEY_HEADER, Sessions, type AdminTokens, type SessionLimits } from './sessions.js';

export const PAGE_BASE = '/ui';
/** `/ui/k/<key>/rest`: a session's own path. */
const KEYED = /^\/ui\/k\/([A-Za-z0-9_-]{22})(?=\/|\?|$)/;

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
    pathKeys: true,
    adminTokens: options.adminTokens,
  });
  const listener = getRequestListener(app.fetch);
  return async (req, res) => {
    const url = req.url ?? '/';
    const keyed = KEYED.exec(url);
    // The key travels to the app as a header (the node adapter reads the parsed headers, else the
    // raw ones); one a client sent itself is dropped first, so the app sees only what the URL held.
    const raw: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() !== PAGE_KEY_HEADER) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    if (keyed) raw.push(PAGE_KEY_HEADER, keyed[1]!);
    req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
    delete req.headers[PAGE_KEY_HEADER];
    if (keyed) req.headers[PAGE_KEY_HEADER] = keyed[1]!;
    req.url = url.slice(keyed ? keyed[0].length : PAGE_BASE.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    await listener(req, res);
  };
}
