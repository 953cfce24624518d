/**
 * Who owns a host name: its registrable domain (the part a person buys: `evil.example` in
 * `api.github.com.evil.example`; the tenant's own name under a platform: `my-app.herokuapp.com`),
 * from the Public Suffix List with its private section (tldts). Shown apart on the form where a
 * human confirms the hosts an agent proposed, so a look-alike reads wrong at a glance; and the test
 * for a wildcard binding that nobody in particular owns (`*.herokuapp.com`, `*.co.uk`): every name
 * under a public suffix is registered by whoever asks, an agent's operator included.
 * IP addresses are their own registrable domain.
 */
import { getDomain } from 'tldts';
import { BlindfoldError } from '../errors.js';
import { type HostPattern, parseHostPattern } from './hosts.js';

const WITH_PRIVATE_SUFFIXES = { allowPrivateDomains: true };

const isAddress = (host: string) => /^\[.*\]$/.test(host) || /^\d+\.\d+\.\d+\.\d+$/.test(host);

/** Whether names directly under `host` (lower case, punycode) are registered by anyone: a public suffix. */
function isPublicSuffix(host: string): boolean {
  return !isAddress(host) && getDomain(host, WITH_PRIVATE_SUFFIXES) === null;
}

/** The registrable domain of a host name (lower case, punycode; `*.` for a wildcard binding). */
export function registrableDomain(host: string): string {
  const bare = host.toLowerCase().replace(/\.$/, '');
  const name = bare.replace(/^\*\./, '');
  if (isAddress(name)) return name;
  if (isPublicSuffix(name)) return bare === name ? name : `none: every name under ${name}, a public suffix`;
  return getDomain(name, WITH_PRIVATE_SUFFIXES) ?? name;
}

/**
 * A host binding about to be stored (`set --host`, the admin page, an agent's `request_secret`):
 * parsed as parseHostPattern does, and a wildcard directly over a public suffix refused, whoever
 * proposes it. Bindings already stored are matched as they are (parseHostPattern).
 */
export function parseHostBinding(text: string): HostPattern {
  const pattern = parseHostPattern(text);
  if (pattern.wildcard && isPublicSuffix(pattern.host)) {
    throw new BlindfoldError(
      'BAD_HOST',
      'invalid host (not repeated here in case it holds a value): a wildcard directly over a public suffix (*.herokuapp.com, *.github.io, *.co.uk) matches names anyone can register there; bind the exact host, or a wildcard under a domain you own',
    );
  }
  return pattern;
}

export interface HostShown {
  /** The binding as the vault will store it (canonical origin). */
  canonical: string;
  /** Lowercase host name as parsed (punycode), without `*.`. */
  host: string;
  /** The registrable domain, or the address itself. */
  registrable: string;
}

/** A proposed host as the form shows it; throws BAD_HOST (without repeating it) when it is no host binding. */
export function showHost(text: string): HostShown {
  const pattern = parseHostBinding(text);
  return { canonical: pattern.canonical, host: pattern.host, registrable: registrableDomain(pattern.host) };
}
