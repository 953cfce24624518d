// Red team 13: a wildcard binding over a public suffix (the Public Suffix List with its private
// section) is refused wherever a binding is written, and the form names the tenant, not the platform.
import { describe, expect, it } from 'vitest';
import { parseHostBinding, registrableDomain } from '../../src/policy/registrable.js';
import { prepareSet } from '../../src/vault/records.js';

const OPEN_WILDCARDS = ['*.herokuapp.com', '*.fly.dev', '*.onrender.com', '*.netlify.app', '*.blogspot.com', '*.s3.eu-west-1.amazonaws.com', '*.co.uk', 'https://*.com.au:8443'];

describe('a wildcard over a public suffix', () => {
  it('is refused as a binding, in the same words whatever was proposed (nothing repeated)', () => {
    const messages = OPEN_WILDCARDS.map((h) => {
      try {
        parseHostBinding(h);
        return `accepted: ${h}`;
      } catch (err) {
        expect((err as { code: string }).code).toBe('BAD_HOST');
        return (err as Error).message;
      }
    });
    expect(new Set(messages).size, messages.join('\n')).toBe(1);
    expect(messages[0]).toMatch(/public suffix/);
  });

  it('a wildcard under a domain someone owns is a binding (the jira preset, a company domain)', () => {
    for (const h of ['*.atlassian.net', '*.example.com', '*.corp.example.co.uk', '*.my-app.herokuapp.com']) expect(parseHostBinding(h).wildcard).toBe(true);
    for (const h of ['herokuapp.com', 'my-app.herokuapp.com', 'api.github.com', '127.0.0.1:8080']) expect(parseHostBinding(h).wildcard).toBe(false);
  });

  it('is refused by `set --host` too, not only for agents', () => {
    expect(() => prepareSet({ name: 'DEPLOY_KEY', hosts: ['*.vercel.app'] })).toThrow(/public suffix/);
  });

  it('the form shows the owner from the list: the tenant under a platform, nobody for an open wildcard', () => {
    expect(registrableDomain('api.github.com.evil.example')).toBe('evil.example');
    expect(registrableDomain('my-app.herokuapp.com')).toBe('my-app.herokuapp.com');
    expect(registrableDomain('hooks.my-app.fly.dev')).toBe('my-app.fly.dev');
    expect(registrableDomain('shop.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('*.herokuapp.com')).toMatch(/^none: /);
    expect(registrableDomain('[::1]')).toBe('[::1]');
  });
});
