import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { exactOrigin, findMatchingHost, hostMatches, normalizeHost, parseHostPattern } from '../../src/policy/hosts.js';
import { DEFAULT_INJECT, parseInject, renderInject } from '../../src/policy/inject.js';
import { parsePlacements } from '../../src/policy/placements.js';
import { getPreset, PRESETS, presetFromSecretName } from '../../src/policy/presets.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof BlindfoldError ? err.code : `not a BlindfoldError: ${String(err)}`;
  }
}

describe('host normalisation', () => {
  it.each([
    ['api.github.com', 'https://api.github.com:443'],
    ['API.GitHub.COM', 'https://api.github.com:443'],
    ['api.github.com.', 'https://api.github.com:443'],
    ['https://api.github.com/', 'https://api.github.com:443'],
    ['https://api.github.com:443', 'https://api.github.com:443'],
    ['HTTPS://api.x.com:8443', 'https://api.x.com:8443'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost', 'http://localhost:80'],
    ['*.example.com', 'https://*.example.com:443'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
    ['http://[0:0:0:0:0:0:0:1]:9000', 'http://[::1]:9000'],
    ['bücher.example', 'https://xn--bcher-kva.example:443'],
    ['http://0x7f.0.0.1:81', 'http://127.0.0.1:81'],
  ])('%s → %s', (input, canonical) => {
    expect(normalizeHost(input)).toBe(canonical);
  });

  it.each([
    [''],
    ['   '],
    ['ftp://example.com'],
    ['file:///etc/passwd'],
    ['javascript://x'],
    ['api.github.com/path'],
    ['api.github.com?x=1'],
    ['api.github.com#frag'],
    ['user:pass@api.github.com'],
    ['user@api.github.com'],
    ['api.github.com\\evil.com'],
    ['*.com'],
    ['a.*.example.com'],
    ['*example.com'],
    ['*.127.0.0.1'],
    ['exa mple.com'],
    ['example..com'],
    ['https://example.com:99999'],
  ])('refuses %j with BAD_HOST', (input) => {
    expect(code(() => parseHostPattern(input))).toBe('BAD_HOST');
  });
});

describe('host matching', () => {
  const u = (s: string) => new URL(s);

  it('matches the exact origin only: scheme, host and port', () => {
    expect(hostMatches('api.github.com', u('https://api.github.com/user'))).toBe(true);
    expect(hostMatches('api.github.com', u('https://API.GITHUB.COM./user'))).toBe(true);
    expect(hostMatches('api.github.com', u('http://api.github.com/user'))).toBe(false);
    expect(hostMatches('api.github.com', u('https://api.github.com:8443/user'))).toBe(false);
    expect(hostMatches('https://api.x.com:8443', u('https://api.x.com:8443/'))).toBe(true);
    expect(hostMatches('https://api.x.com:8443', u('https://api.x.com/'))).toBe(false);
    expect(hostMatches('http://127.0.0.1:8080', u('http://127.0.0.1:8080/x'))).toBe(true);
    expect(hostMatches('http://127.0.0.1:8080', u('http://127.0.0.2:8080/x'))).toBe(false);
  });

  it.each([
    'https://api.github.com.evil.com/',
    'https://evilapi.github.com/',
    'https://api-github.com/',
    'https://github.com/',
    'https://xapi.github.com/',
    'https://api.github.co/',
    'https://api.github.com@evil.com/',
  ])('refuses look-alike %s', (url) => {
    expect(hostMatches('api.github.com', u(url))).toBe(false);
  });

  it('a wildcard matches exactly one label', () => {
    expect(hostMatches('*.example.com', u('https://a.example.com/'))).toBe(true);
    expect(hostMatches('*.example.com', u('https://A-B.Example.COM/'))).toBe(true);
    expect(hostMatches('*.example.com', u('https://example.com/'))).toBe(false);
    expect(hostMatches('*.example.com', u('https://a.b.example.com/'))).toBe(false);
    expect(hostMatches('*.example.com', u('https://aexample.com/'))).toBe(false);
    expect(hostMatches('*.example.com', u('https://a.example.com.evil.net/'))).toBe(false);
    expect(hostMatches('*.example.com', u('http://a.example.com/'))).toBe(false);
  });

  it('findMatchingHost returns the first matching pattern and ignores broken ones', () => {
    expect(findMatchingHost(['nope nope', 'api.a.com', '*.b.com'], u('https://x.b.com/'))).toBe('*.b.com');
    expect(findMatchingHost([], u('https://x.b.com/'))).toBeUndefined();
  });

  it('exactOrigin gives the URL.origin of a non-wildcard pattern (the admin opt-in for private addresses)', () => {
    expect(exactOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(exactOrigin('api.github.com')).toBe('https://api.github.com');
    expect(exactOrigin('*.example.com')).toBeUndefined();
    expect(exactOrigin('not a host')).toBeUndefined();
  });
});

describe('inject specs', () => {
  it.each([
    ['header:Authorization:Bearer {value}', { placement: 'header', name: 'Authorization', format: 'Bearer {value}', encoding: 'raw' }],
    ['header:x-api-key:{value}', { placement: 'header', name: 'x-api-key', format: '{value}', encoding: 'raw' }],
    ['query:key:{value}', { placement: 'query', name: 'key', format: '{value}', encoding: 'raw' }],
    ['header:Authorization:Basic {value:base64}', { placement: 'header', name: 'Authorization', encoding: 'base64' }],
    ['HEADER:X-Token:token={value};', { placement: 'header', name: 'X-Token', format: 'token={value};' }],
  ])('parses %s', (spec, expected) => {
    expect(parseInject(spec)).toMatchObject(expected);
  });

  it('the default places a Bearer header', () => {
    expect(parseInject(DEFAULT_INJECT)).toMatchObject({ placement: 'header', name: 'Authorization' });
  });

  it.each([
    [''],
    ['header:Authorization'],
    ['cookie:session:{value}'],
    ['body:x:{value}'],
    ['header:Authorization:Bearer'],
    ['header:Authorization:{value}{value}'],
    ['header:Authorization:{value:hex}'],
    ['header:Authorization:{value:0:4}'],
    ['header:Authorization:{value} {other}'],
    ['header:Host:{value}'],
    ['header:Content-Length:{value}'],
    ['header:Proxy-Authorization:{value}'],
    ['header:Bad Header:{value}'],
    ['header:X-A:{value}\r\nX-B: 1'],
    ['query:a&b:{value}'],
    ['query::{value}'],
  ])('refuses %j with BAD_INJECT', (spec) => {
    expect(code(() => parseInject(spec))).toBe('BAD_INJECT');
  });

  it('renders the value whole, or base64 of it, and nothing else', () => {
    expect(renderInject(parseInject('header:Authorization:Bearer {value}'), 'sk-abc')).toEqual({ placement: 'header', name: 'Authorization', value: 'Bearer sk-abc' });
    expect(renderInject(parseInject('header:Authorization:Basic {value:base64}'), 'user:pa55')).toMatchObject({
      value: `Basic ${Buffer.from('user:pa55').toString('base64')}`,
    });
    expect(renderInject(parseInject('query:key:{value}'), 'k&y')).toEqual({ placement: 'query', name: 'key', value: 'k&y' });
  });
});

describe('placements', () => {
  it('normalises, de-duplicates and orders', () => {
    expect(parsePlacements(['QUERY', 'header', 'query'])).toEqual(['header', 'query']);
  });
  it('refuses unknown and empty lists', () => {
    expect(code(() => parsePlacements(['cookie']))).toBe('BAD_PLACEMENT');
    expect(code(() => parsePlacements([]))).toBe('BAD_PLACEMENT');
  });
});

describe('presets', () => {
  const expected: Record<string, { host: string; header: string }> = {
    openai: { host: 'https://api.openai.com:443', header: 'Authorization' },
    anthropic: { host: 'https://api.anthropic.com:443', header: 'x-api-key' },
    github: { host: 'https://api.github.com:443', header: 'Authorization' },
    gitlab: { host: 'https://gitlab.com:443', header: 'PRIVATE-TOKEN' },
    slack: { host: 'https://slack.com:443', header: 'Authorization' },
    stripe: { host: 'https://api.stripe.com:443', header: 'Authorization' },
    jira: { host: 'https://*.atlassian.net:443', header: 'Authorization' },
    pinecone: { host: 'https://api.pinecone.io:443', header: 'Api-Key' },
    'google-ai': { host: 'https://generativelanguage.googleapis.com:443', header: 'x-goog-api-key' },
    sendgrid: { host: 'https://api.sendgrid.com:443', header: 'Authorization' },
    twilio: { host: 'https://api.twilio.com:443', header: 'Authorization' },
  };

  it('has exactly the eleven documented presets', () => {
    expect(Object.keys(PRESETS).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s: hosts and inject pass the admin parsers', (id, want) => {
    const preset = getPreset(id);
    expect(preset.hosts.map(normalizeHost)).toContain(want.host);
    const rule = parseInject(preset.inject);
    expect(rule.placement).toBe('header');
    expect(rule.name).toBe(want.header);
  });

  it('Basic-auth presets base64 the stored user:token', () => {
    expect(parseInject(getPreset('jira').inject).encoding).toBe('base64');
    expect(parseInject(getPreset('twilio').inject).encoding).toBe('base64');
    expect(parseInject(getPreset('openai').inject).format).toBe('Bearer {value}');
  });

  it('unknown preset is refused with the list', () => {
    expect(code(() => getPreset('nope'))).toBe('UNKNOWN_PRESET');
    expect(code(() => getPreset('__proto__'))).toBe('UNKNOWN_PRESET');
  });

  it('guesses a preset from a secret name', () => {
    expect(presetFromSecretName('OPENAI_API_KEY')?.id).toBe('openai');
    expect(presetFromSecretName('gh_token')?.id).toBe('github');
    expect(presetFromSecretName('ANTHROPIC_KEY')?.id).toBe('anthropic');
    expect(presetFromSecretName('MY_RANDOM_THING')).toBeUndefined();
  });
});
