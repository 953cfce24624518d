/**
 * The host filter of a secrets listing (`list --host`, the admin page's host filter): which
 * secrets may be sent to a host or origin, or are bound to that exact pattern.
 */
import { hostMatches, parseHostPattern, type HostPattern } from './hosts.js';

/**
 * `--host` as a binding would be written (api.x.com, *.x.com, https://x.com:8443) or as a URL an
 * agent would call (its origin counts; the path is ignored). parseHostPattern's error never repeats it.
 */
export function parseHostArgument(text: string): HostPattern {
  try {
    return parseHostPattern(text);
  } catch (err) {
    if (!/^https?:\/\//i.test(text)) throw err;
    let origin: string;
    try {
      origin = new URL(text).origin;
    } catch {
      throw err;
    }
    return parseHostPattern(origin);
  }
}

/** Whether a secret's binding lets it go to `host`: the same binding, or one whose pattern matches that origin. */
export function coversHost(bound: string, host: HostPattern): boolean {
  let pattern: HostPattern;
  try {
    pattern = parseHostPattern(bound);
  } catch {
    return false;
  }
  if (pattern.canonical === host.canonical) return true;
  return !host.wildcard && hostMatches(pattern, new URL(`${host.scheme}://${host.host}:${host.port}/`));
}
