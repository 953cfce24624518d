/**
 * Redirects, followed by hand one hop at a time (SPEC §13: undici and fetch carry custom headers
 * such as X-API-Key across origins). Each hop passes the address guard again and the caller's
 * verdict on where the request's secrets may go; a hop refused is returned, not followed.
 */
import { BlindfoldError } from '../errors.js';
import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';
import { send, type Deadline, type OutgoingRequest, type RawResponse, type SendOptions } from './client.js';
import { assertUrlAllowedBeforeDns } from './connector.js';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface RedirectOptions extends Omit<SendOptions, 'signal' | 'dispatcher'> {
  /**
   * The pool for the principal's opt-ins as they are now, taken afresh for every hop: an opt-in
   * an admin withdrew while the first hop was in flight opens no later hop.
   */
  dispatcher: () => Promise<Dispatcher>;
  /** Deadline for the whole exchange, every hop included. */
  timeoutMs: number;
  isOriginOptedIn: (origin: string) => boolean;
  /** Why a hop from the first URL to `next` may not be taken; undefined lets it through. */
  refuseHop: (first: URL, next: URL) => string | undefined;
}

export interface Exchange {
  response: RawResponse;
  /** Where the answer came from (the last hop taken). */
  url: URL;
  redirects: number;
  /** Set when a redirect was returned instead of followed, saying why. */
  redirectNotFollowed?: string;
}

class ExchangeDeadline extends EventEmitter implements Deadline {
  aborted = false;
  expire(): void {
    this.aborted = true;
    this.emit('abort');
  }
}

export async function sendFollowingRedirects(request: OutgoingRequest, options: RedirectOptions): Promise<Exchange> {
  // A timer cleared when done, not AbortSignal.timeout: that one costs several microseconds per
  // request and leaves its timer pending for the whole time limit after the answer came.
  const deadline = new ExchangeDeadline();
  const timer = setTimeout(() => deadline.expire(), options.timeoutMs);
  timer.unref();
  try {
    return await follow(request, options, deadline);
  } finally {
    clearTimeout(timer);
  }
}

async function follow(request: OutgoingRequest, options: RedirectOptions, signal: Deadline): Promise<Exchange> {
  const first = request.url;
  let redirects = 0;
  for (;;) {
    assertUrlAllowedBeforeDns(request.url, options.isOriginOptedIn);
    const response = await send(request, { readLimit: options.readLimit, signal, dispatcher: await options.dispatcher() });
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.status) || !location) return { response, url: request.url, redirects };
    let next: URL;
    try {
      next = new URL(location, request.url);
    } catch {
      return { response, url: request.url, redirects, redirectNotFollowed: 'the Location header is not a valid URL' };
    }
    const refused = options.refuseHop(first, next);
    if (refused) return { response, url: request.url, redirects, redirectNotFollowed: refused };
    // A loop has no useful answer to return (the next hop would just redirect again): refused.
    if (redirects >= MAX_REDIRECTS) throw new BlindfoldError('REDIRECT_LIMIT', `more than ${MAX_REDIRECTS} redirects; stopped following at ${next.origin}`);
    redirects++;
    request.url = next;
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && request.method === 'POST')) {
      request.method = 'GET';
      request.body = undefined;
      delete request.headers['content-type'];
    }
  }
}
