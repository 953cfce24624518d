/**
 * Which headers a request may carry. Blindfold frames every request itself (host, length, transfer
 * coding, connection handling): a caller who could set those could smuggle a second request or
 * point the first one elsewhere, so neither an agent nor an inject rule may name them.
 */
import { BlindfoldError } from '../errors.js';
import { repeatable } from '../echo.js';

/** RFC 9110 `token`: what a header name may be. */
export const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FRAMING_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive', 'expect']);
const LINE_BREAK_OR_NUL = /[\r\n\0]/;

/** Managed by Blindfold (framing, or any `Proxy-*`): never given by a caller. */
export function isManagedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FRAMING_HEADERS.has(lower) || lower.startsWith('proxy-');
}

/** An agent's headers as given (before any value is placed): names valid and not managed, no line breaks. */
export function checkHeaders(headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_TOKEN.test(name)) {
      throw new BlindfoldError('HEADER_NOT_ALLOWED', `header name ${repeatable(name)} is not a valid HTTP token`);
    }
    if (isManagedHeader(name)) throw new BlindfoldError('HEADER_NOT_ALLOWED', `header ${name} is set by Blindfold itself and may not be given`);
    checkHeaderValue(name, value);
  }
}

/** Run again once values are placed: a value holding a line break must not split the header. */
export function checkHeaderValue(name: string, value: string): void {
  if (LINE_BREAK_OR_NUL.test(value)) throw new BlindfoldError('HEADER_NOT_ALLOWED', `header ${name} contains a line break or NUL; refused`);
}

/** Headers that ask for part of a representation (dropped from every request an agent makes). */
export function isRangeHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'range' || lower === 'if-range';
}
