/**
 * The registrable domain of a host (the part a person buys: `evil.example` in
 * `api.github.com.evil.example`), shown apart on the form where a human confirms the hosts an
 * agent proposed, so a look-alike reads wrong at a glance. Not the Public Suffix List: a short list
 * of multi-label suffixes in common use (co.uk, com.au, github.io…) and, otherwise, the last two
 * labels. Its limits: a suffix not listed here (many country second levels, most private suffixes
 * such as cloud providers' app domains) shows one label too few, e.g. `foo.example.ac.at` shows
 * `ac.at`; that errs towards showing less as "the owner", never towards hiding the real one.
 * IP addresses are their own registrable domain.
 */
import { parseHostPattern } from './hosts.js';

const MULTI_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'ltd.uk', 'plc.uk', 'me.uk', 'net.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au',
  'co.nz', 'org.nz', 'govt.nz', 'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'go.jp',
  'co.kr', 'or.kr', 'com.br', 'net.br', 'org.br', 'gov.br', 'com.cn', 'net.cn', 'org.cn', 'gov.cn',
  'com.mx', 'com.ar', 'com.tr', 'com.tw', 'com.hk', 'com.sg', 'com.my', 'co.in', 'net.in', 'org.in',
  'co.za', 'org.za', 'co.il', 'com.ua', 'com.pl', 'co.id', 'or.id', 'com.vn', 'com.ph',
  'github.io', 'gitlab.io', 'herokuapp.com', 'vercel.app', 'netlify.app', 'pages.dev', 'workers.dev',
  'appspot.com', 'azurewebsites.net', 'cloudfront.net', 'amazonaws.com', 'firebaseapp.com', 'web.app',
]);

export interface HostShown {
  /** The binding as the vault will store it (canonical origin). */
  canonical: string;
  /** Lowercase host name as parsed (punycode), without `*.`. */
  host: string;
  /** The registrable domain, or the address itself. */
  registrable: string;
}

/** The registrable domain of a host name (lower case, punycode). */
export function registrableDomain(host: string): string {
  const bare = host.toLowerCase().replace(/\.$/, '').replace(/^\*\./, '');
  if (/^\[.*\]$/.test(bare) || /^\d+\.\d+\.\d+\.\d+$/.test(bare)) return bare;
  const labels = bare.split('.');
  if (labels.length <= 2) return bare;
  const lastTwo = labels.slice(-2).join('.');
  return MULTI_LABEL_SUFFIXES.has(lastTwo) ? labels.slice(-3).join('.') : lastTwo;
}

/** A proposed host as the form shows it; throws BAD_HOST (without repeating it) when it is no host binding. */
export function showHost(text: string): HostShown {
  const pattern = parseHostPattern(text);
  return { canonical: pattern.canonical, host: pattern.host, registrable: registrableDomain(pattern.host) };
}
