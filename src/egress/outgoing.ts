/**
 * The request as it will leave: an agent's parsed request rendered with the values the broker
 * resolved, each header value checked, and the task-only inject rules applied. Values come in
 * through `secretOf` only; this module decrypts nothing.
 */
import { BlindfoldError } from '../errors.js';
import { checkHeaderValue, isRangeHeader } from '../policy/headers.js';
import { parseInject, renderInject } from '../policy/inject.js';
import { renderRequest, type ParsedRequest } from '../template/request.js';
import type { OutgoingRequest } from './client.js';

/** A secret placed by its own inject rule (a task step's `secret_name`): its name and that rule. */
export interface InjectedSecret {
  name: string;
  inject: string | undefined;
}

/** `rangeAllowed`: whether the admin opted an origin into partial answers (settings `rangeOrigins`). */
export function buildOutgoing(request: ParsedRequest, secretOf: (name: string) => string, injected: readonly InjectedSecret[], rangeAllowed: (origin: string) => boolean = () => false): OutgoingRequest {
  const rendered = renderRequest(request, secretOf);
  const keepRange = rangeAllowed(rendered.url.origin);
  const headers: Record<string, string> = {};
  for (const [name, value] of rendered.headers) {
    checkHeaderValue(name, value);
    // Range reads slice a representation below a window (11 bytes at a time give a whole value in
    // ⌈length/11⌉ calls): dropped on every call, and any partial answer is withheld (redact/response),
    // unless the admin opted this origin in.
    if (isRangeHeader(name) && !keepRange) continue;
    headers[name.toLowerCase()] = value;
  }
  for (const { name, inject } of injected) {
    const rule = parseInject(inject ?? fail(`secret ${name} was not authorized`));
    const placed = renderInject(rule, secretOf(name));
    if (placed.placement === 'header') headers[placed.name.toLowerCase()] = placed.value;
    else rendered.url.searchParams.set(placed.name, placed.value);
  }
  if (request.source.json !== undefined) headers['content-type'] ??= 'application/json';
  return { method: request.method, url: rendered.url, headers, body: rendered.body };
}

export function fail(message: string): never {
  throw new BlindfoldError('INTERNAL', message);
}
