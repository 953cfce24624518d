// Unit tests for src/policy: host patterns and matching, inject rules, placements and presets.
import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import {
  exactOrigin,
  findMatchingHost,
  hostMatches,
  parseHostPattern,
} from '../../src/policy/hosts.js';
import { DEFAULT_INJECT, parseInject, renderInject } from '../../src/policy/inject.js';
import { DEFAULT_PLACEMENTS, PLACEMENTS, parsePlacements } from '../../src/policy/placements.js';
import { PRESETS, getPreset, presetFromSecretName } from '../../src/policy/presets.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BlindfoldError);
    return (err as BlindfoldError).code;
  }
  return undefined;
}

describe('parseHostPattern: canonical form', () => {
  it.each([
    ['api.github.com', 'https://api.github.com:443'],
    ['API.GitHub.COM', 'https://api.github.com:443'],
    ['api.github.com.', 'https://api.github.com:443'],
    ['  api.github.com  ', 'https://api.github.com:443'],
    ['https://api.github.com', 'https://api.github.com:443'],
    ['https://api.github.com/', 'https://api.github.com:443'],
    ['HTTPS://API.GITHUB.COM:443', 'https://api.github.com:443'],
    ['http://example.com', 'http://example.com:80'],
    ['http://example.com:80', 'http://example.com:80'],
    ['http://example.com:443', 'http://example.com:443'],
    ['https://api.x.com:8443', 'https://api.x.com:8443'],
    ['api.x.com:8443', 'https://api.x.com:8443'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.1:8080', 'http://127.0.0.1:8080'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
    ['http://[0:0:0:0:0:0:0:1]', 'http://[::1]:80'],
    ['https://[2606:4700:0::1111]', 'https://[2606:4700::1111]:443'],
    ['*.example.com', 'https://*.example.com:443'],
    ['*.Example.COM.', 'https://*.example.com:443'],
    ['https://*.example.com:8443', 'https://*.example.com:8443'],
    ['bücher.de', 'https://xn--bcher-kva.de:443'],
    ['*.bücher.de', 'https://*.xn--bcher-kva.de:443'],
    ['https://ex%61mple.com', 'https://example.com:443'],
  ])('%s → %s', (input, canonical) => {
    expect(parseHostPattern(input).canonical).toBe(canonical);
  });

  it('splits components', () => {
    expect(parseHostPattern('*.example.com:8443')).toEqual({
      scheme: 'https',
      host: 'example.com',
      wildcard: true,
      port: 8443,
      canonical: 'https://*.example.com:8443',
    });
    expect(parseHostPattern('http://[::1]:9')).toMatchObject({ scheme: 'http', host: '[::1]', wildcard: false, port: 9 });
  });

  it('is idempotent on its canonical output', () => {
    for (const input of ['api.github.com', '*.example.com', 'http://[::1]:8080', 'bücher.de', 'http://10.0.0.1']) {
      const once = parseHostPattern(input).canonical;
      expect(parseHostPattern(once).canonical).toBe(once);
    }
  });

  it.each([
    '',
    '   ',
    'api github.com',
    'ftp://example.com',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ws://example.com',
    'https://example.com/path',
    'https://example.com?x=1',
    'https://example.com#frag',
    'https://user@example.com',
    'https://user:pw@example.com',
    'https://example.com\\evil.com',
    'https://example.com//',
    '*',
    '*.com',
    '*.com.',
    'a.*.example.com',
    '*example.com',
    'ex*ample.com',
    '**.example.com',
    '*.*.example.com',
    '*.127.0.0.1',
    '*.[::1]',
    'https://example.com:65536',
    'https://example.com:0',
    'https://example.com:-1',
    'https://example.com:abc',
    'example.com..',
    '.example.com',
    '*..example.com',
    'a..b.com',
    'http://[::1',
    'http://exa mple.com',
  ])('refuses %j with BAD_HOST', (input) => {
    expect(codeOf(() => parseHostPattern(input))).toBe('BAD_HOST');
  });

  it('refuses non-strings', () => {
    expect(codeOf(() => parseHostPattern(undefined as unknown as string))).toBe('BAD_HOST');
    expect(codeOf(() => parseHostPattern(42 as unknown as string))).toBe('BAD_HOST');
  });

  it('error messages show examples and never swallow the reason', () => {
    try {
      parseHostPattern('ftp://example.com');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/only http and https/);
      expect((err as Error).message).toMatch(/api\.github\.com/);
    }
  });
});

describe('hostMatches', () => {
  const u = (s: string) => new URL(s);

  it('matches the exact origin, default port implied', () => {
    expect(hostMatches('api.github.com', u('https://api.github.com/repos'))).toBe(true);
    expect(hostMatches('api.github.com', u('https://API.GITHUB.COM:443/x?y#z'))).toBe(true);
    expect(hostMatches('api.github.com', u('https://api.github.com./x'))).toBe(true);
    expect(hostMatches('http://127.0.0.1:8080', u('http://127.0.0.1:8080/'))).toBe(true);
    expect(hostMatches('http://127.0.0.1:8080', u('http://2130706433:8080/'))).toBe(true);
    expect(hostMatches('http://[::1]:8080', u('http://[0::1]:8080/'))).toBe(true);
    expect(hostMatches('bücher.de', u('https://xn--bcher-kva.de/'))).toBe(true);
    expect(hostMatches('xn--bcher-kva.de', u('https://BÜCHER.de/'))).toBe(true);
  });

  it('accepts a parsed pattern as well as a string', () => {
    const p = parseHostPattern('api.github.com');
    expect(hostMatches(p, u('https://api.github.com/'))).toBe(true);
    expect(hostMatches(p, u('https://api.github.co/'))).toBe(false);
  });

  it.each([
    ['api.github.com', 'http://api.github.com/'],
    ['api.github.com', 'https://api.github.com:8443/'],
    ['api.github.com', 'https://api.github.com:80/'],
    ['api.github.com', 'wss://api.github.com/'],
    ['api.github.com', 'ftp://api.github.com/'],
    ['api.github.com', 'https://api.github.com.evil.com/'],
    ['api.github.com', 'https://evilapi.github.com/'],
    ['api.github.com', 'https://xapi.github.com/'],
    ['api.github.com', 'https://github.com/'],
    ['api.github.com', 'https://a.api.github.com/'],
    ['api.github.com', 'https://api.github.com@evil.com/'],
    ['api.github.com', 'https://evil.com/api.github.com'],
    ['api.github.com', 'https://evil.com/?api.github.com'],
    ['api.github.com', 'https://evil.com#api.github.com'],
    ['example.com', 'https://evilexample.com/'],
    ['example.com', 'https://example.com.evil.com/'],
    ['example.com', 'https://example.co/'],
    ['example.com', 'https://www.example.com/'],
    ['http://example.com', 'https://example.com/'],
    ['http://example.com:8080', 'http://example.com/'],
    ['https://api.x.com:8443', 'https://api.x.com/'],
    ['http://127.0.0.1:8080', 'http://127.0.0.2:8080/'],
    ['http://127.0.0.1:8080', 'http://localhost:8080/'],
    ['http://[::1]:8080', 'http://127.0.0.1:8080/'],
    ['*.example.com', 'https://example.com/'],
    ['*.example.com', 'https://a.b.example.com/'],
    ['*.example.com', 'https://evilexample.com/'],
    ['*.example.com', 'https://a.example.com.evil.com/'],
    ['*.example.com', 'https://a-example.com/'],
    ['*.example.com', 'http://a.example.com/'],
    ['*.example.com', 'https://a.example.com:8443/'],
    ['*.example.com', 'https://a.example.co/'],
    ['*.example.com', 'https://a.example.com../'],
  ])('%s does not match %s', (pattern, url) => {
    expect(hostMatches(pattern, u(url))).toBe(false);
  });

  it('a wildcard matches exactly one label', () => {
    expect(hostMatches('*.example.com', u('https://a.example.com/'))).toBe(true);
    expect(hostMatches('*.example.com', u('https://A-1.EXAMPLE.com./'))).toBe(true);
    expect(hostMatches('*.example.com:8443', u('https://x.example.com:8443/'))).toBe(true);
    expect(hostMatches('*.atlassian.net', u('https://mycorp.atlassian.net/rest/api/3/myself'))).toBe(true);
    expect(hostMatches('*.atlassian.net', u('https://my.corp.atlassian.net/'))).toBe(false);
  });

  it('throws BAD_HOST on an invalid string pattern', () => {
    expect(codeOf(() => hostMatches('ftp://x', u('https://x/')))).toBe('BAD_HOST');
  });
});

describe('findMatchingHost', () => {
  it('returns the first matching pattern as written, skipping invalid ones', () => {
    const patterns = ['not a host', 'ftp://x.com', 'api.github.com', '*.example.com', 'http://127.0.0.1:8080'];
    expect(findMatchingHost(patterns, new URL('https://a.example.com/x'))).toBe('*.example.com');
    expect(findMatchingHost(patterns, new URL('https://api.github.com/'))).toBe('api.github.com');
    expect(findMatchingHost(patterns, new URL('http://127.0.0.1:8080/'))).toBe('http://127.0.0.1:8080');
    expect(findMatchingHost(patterns, new URL('https://example.com/'))).toBeUndefined();
    expect(findMatchingHost(patterns, new URL('http://127.0.0.1/'))).toBeUndefined();
    expect(findMatchingHost(patterns, new URL('https://api.github.com.evil.com/'))).toBeUndefined();
    expect(findMatchingHost([], new URL('https://api.github.com/'))).toBeUndefined();
  });
});

describe('exactOrigin (the admin opt-in that lets a request reach a private address)', () => {
  it('is an explicit http:// origin or an address literal; never a wildcard, an https name or junk', () => {
    expect(exactOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(exactOrigin('http://internal.example:8080')).toBe('http://internal.example:8080');
    expect(exactOrigin('https://10.0.0.5:8443')).toBe('https://10.0.0.5:8443');
    expect(exactOrigin('api.github.com')).toBeUndefined();
    expect(exactOrigin('https://api.github.com')).toBeUndefined();
    expect(exactOrigin('http://[::1]')).toBe('http://[::1]');
    expect(exactOrigin('*.example.com')).toBeUndefined();
    expect(exactOrigin('ftp://x')).toBeUndefined();
    expect(exactOrigin('')).toBeUndefined();
  });
});

describe('parseInject', () => {
  it('parses the default rule', () => {
    expect(DEFAULT_INJECT).toBe('header:Authorization:Bearer {value}');
    expect(parseInject(DEFAULT_INJECT)).toEqual({
      placement: 'header',
      name: 'Authorization',
      format: 'Bearer {value}',
      encoding: 'raw',
      canonical: 'header:Authorization:Bearer {value}',
    });
  });

  it.each([
    ['header:x-api-key:{value}', 'header', 'x-api-key', '{value}', 'raw'],
    ['query:key:{value}', 'query', 'key', '{value}', 'raw'],
    ['header:Authorization:Basic {value:base64}', 'header', 'Authorization', 'Basic {value:base64}', 'base64'],
    ['HEADER: X-Token :token={value};', 'header', 'X-Token', 'token={value};', 'raw'],
    ['header:Authorization:Bearer: {value}', 'header', 'Authorization', 'Bearer: {value}', 'raw'],
    ['header:X-Key:\t{value}', 'header', 'X-Key', '\t{value}', 'raw'],
  ])('%s', (spec, placement, name, format, encoding) => {
    expect(parseInject(spec)).toMatchObject({ placement, name, format, encoding, canonical: `${placement}:${name}:${format}` });
  });

  it.each([
    '',
    '   ',
    'header',
    'header:Authorization',
    'body:x:{value}',
    'path:x:{value}',
    'cookie:x:{value}',
    'header::{value}',
    'header:Bad Name:{value}',
    'header:Bad(Name):{value}',
    'header:Host:{value}',
    'header:host:{value}',
    'header:Content-Length:{value}',
    'header:Transfer-Encoding:{value}',
    'header:Connection:{value}',
    'header:Proxy-Authorization:Basic {value:base64}',
    'header:proxy-anything:{value}',
    'header:X-Key:no slot',
    'header:X-Key:{value}{value}',
    'header:X-Key:{value} {value:base64}',
    'header:X-Key:{value:hex}',
    'header:X-Key:{value:0:4}',
    'header:X-Key:{value.substring(0,1)}',
    'header:X-Key:{VALUE}',
    'header:X-Key:{ value }',
    'header:X-Key:{value} {other}',
    'header:X-Key:{value}\r\nX-Evil: 1',
    'header:X-Key:{value}\n',
    'header:X-Key:{value}\0',
    'header:X-Key:{value}\u0007',
    'header:X-Key:\u001b[31m{value}',
    'header:X-Key:{value}\u007f',
    'query:k\u0001:{value}',
    'query::{value}',
    'query:a&b:{value}',
    'query:a=b:{value}',
    'query:a#b:{value}',
    'query:a?b:{value}',
    'query:a b:{value}',
  ])('refuses %j with BAD_INJECT', (spec) => {
    expect(codeOf(() => parseInject(spec))).toBe('BAD_INJECT');
  });

  it('refuses non-strings', () => {
    expect(codeOf(() => parseInject(null as unknown as string))).toBe('BAD_INJECT');
  });
});

describe('renderInject', () => {
  const value = 'sk-test-0123456789';

  it('substitutes the raw value', () => {
    expect(renderInject(parseInject(DEFAULT_INJECT), value)).toEqual({ placement: 'header', name: 'Authorization', value: `Bearer ${value}` });
    expect(renderInject(parseInject('query:key:{value}'), value)).toEqual({ placement: 'query', name: 'key', value });
    expect(renderInject(parseInject('header:X:pre-{value}-post'), value).value).toBe(`pre-${value}-post`);
  });

  it('base64-encodes UTF-8 for {value:base64}', () => {
    const out = renderInject(parseInject('header:Authorization:Basic {value:base64}'), 'me@x.com:tökén');
    expect(out.value).toBe(`Basic ${Buffer.from('me@x.com:tökén', 'utf8').toString('base64')}`);
    expect(Buffer.from(out.value.slice(6), 'base64').toString('utf8')).toBe('me@x.com:tökén');
  });

  it('does not interpret $ patterns in the value (no String.replace semantics)', () => {
    expect(renderInject(parseInject('header:X:a {value} b'), "$&$'$`$1").value).toBe("a $&$'$`$1 b");
  });
});

describe('parsePlacements', () => {
  it('has the documented set and default', () => {
    expect([...PLACEMENTS]).toEqual(['header', 'query', 'body', 'path']);
    expect(DEFAULT_PLACEMENTS).toEqual(['header']);
  });

  it('normalises case, whitespace, duplicates and order', () => {
    expect(parsePlacements([' Path', 'HEADER', 'header', 'query'])).toEqual(['header', 'query', 'path']);
    expect(parsePlacements(['body'])).toEqual(['body']);
  });

  it.each([[['url']], [['header', 'cookie']], [['']], [[]], [['fragment']], [['host']]])('refuses %j', (input) => {
    expect(codeOf(() => parsePlacements(input))).toBe('BAD_PLACEMENT');
  });

  it('refuses non-string entries and non-lists with BAD_PLACEMENT, not a TypeError', () => {
    expect(codeOf(() => parsePlacements([1 as unknown as string]))).toBe('BAD_PLACEMENT');
    expect(codeOf(() => parsePlacements([null as unknown as string, 'header']))).toBe('BAD_PLACEMENT');
    expect(codeOf(() => parsePlacements('header' as unknown as string[]))).toBe('BAD_PLACEMENT');
  });
});

describe('presets', () => {
  const ids = ['openai', 'anthropic', 'github', 'gitlab', 'slack', 'stripe', 'jira', 'pinecone', 'google-ai', 'sendgrid', 'twilio'];

  it('has at least the eleven documented presets', () => {
    for (const id of ids) expect(Object.keys(PRESETS)).toContain(id);
  });

  it.each(ids)('%s: hosts and inject pass the admin parsers', (id) => {
    const preset = getPreset(id);
    expect(preset.id).toBe(id);
    expect(preset.description.length).toBeGreaterThan(0);
    expect(preset.hosts.length).toBeGreaterThan(0);
    for (const h of preset.hosts) {
      const p = parseHostPattern(h);
      expect(p.scheme).toBe('https');
      expect(p.port).toBe(443);
    }
    const rule = parseInject(preset.inject);
    expect(rule.placement).toBe('header');
    if (preset.placements) expect(parsePlacements(preset.placements)).toEqual([...preset.placements].sort((a, b) => PLACEMENTS.indexOf(a) - PLACEMENTS.indexOf(b)));
  });

  it('uses the expected auth scheme for well-known APIs', () => {
    expect(getPreset('anthropic').inject).toBe('header:x-api-key:{value}');
    expect(getPreset('openai').inject).toBe('header:Authorization:Bearer {value}');
    expect(parseInject(getPreset('jira').inject).encoding).toBe('base64');
    expect(parseInject(getPreset('twilio').inject).encoding).toBe('base64');
    expect(hostMatches(getPreset('jira').hosts[0]!, new URL('https://acme.atlassian.net/rest/api/3/myself'))).toBe(true);
    expect(hostMatches(getPreset('openai').hosts[0]!, new URL('https://api.openai.com/v1/models'))).toBe(true);
    expect(hostMatches(getPreset('openai').hosts[0]!, new URL('https://api.openai.com.evil.com/v1/models'))).toBe(false);
  });

  it('refuses unknown ids, including prototype keys', () => {
    for (const id of ['nope', '', '__proto__', 'constructor', 'toString', 'OPENAI']) {
      expect(codeOf(() => getPreset(id))).toBe('UNKNOWN_PRESET');
    }
  });

  it.each([
    ['OPENAI_API_KEY', 'openai'],
    ['openai_key', 'openai'],
    ['ANTHROPIC_API_KEY', 'anthropic'],
    ['CLAUDE_KEY', 'anthropic'],
    ['GITHUB_TOKEN', 'github'],
    ['GH_TOKEN', 'github'],
    ['GITLAB_TOKEN', 'gitlab'],
    ['SLACK_BOT_TOKEN', 'slack'],
    ['STRIPE_SECRET_KEY', 'stripe'],
    ['JIRA_API_TOKEN', 'jira'],
    ['CONFLUENCE_TOKEN', 'jira'],
    ['PINECONE_API_KEY', 'pinecone'],
    ['GEMINI_API_KEY', 'google-ai'],
    ['GOOGLE_API_KEY', 'google-ai'],
    ['SENDGRID_API_KEY', 'sendgrid'],
    ['TWILIO_AUTH', 'twilio'],
  ])('presetFromSecretName(%s) → %s', (name, id) => {
    expect(presetFromSecretName(name)?.id).toBe(id);
  });

  it.each(['DATABASE_URL', 'MY_OPENAI_KEY', 'GOOGLE_API_KEY_2', 'X', 'AWS_SECRET_ACCESS_KEY'])('presetFromSecretName(%s) → none', (name) => {
    expect(presetFromSecretName(name)).toBeUndefined();
  });
});
