import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { encodingsOf } from '../../src/redact/encodings.js';
import { Redactor } from '../../src/redact/redactor.js';
import { parseTemplate, renderTemplate } from '../../src/template/parse.js';
import { analyzeRequest, renderUrl } from '../../src/template/request.js';
import { closestNames } from '../../src/template/suggest.js';

function err(fn: () => unknown): BlindfoldError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BlindfoldError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('template parser', () => {
  it('finds expressions with their positions and keeps other text', () => {
    expect(parseTemplate('Bearer <secrets.GH_TOKEN> and <inputs.repo>!')).toEqual([
      { kind: 'text', text: 'Bearer ' },
      { kind: 'secret', name: 'GH_TOKEN', start: 7, end: 25 },
      { kind: 'text', text: ' and ' },
      { kind: 'input', name: 'repo', start: 30, end: 43 },
      { kind: 'text', text: '!' },
    ]);
  });

  it('parses step references', () => {
    const seg = (s: string) => parseTemplate(s)[0];
    expect(seg('<steps.create.status>')).toMatchObject({ kind: 'step', step: 'create', path: ['status'] });
    expect(seg('<steps.create.headers.x-request-id>')).toMatchObject({ path: ['headers', 'x-request-id'] });
    expect(seg('<steps.create.json.items.0.id>')).toMatchObject({ path: ['json', 'items', '0', 'id'] });
    expect(seg('<steps.create.body>')).toMatchObject({ path: ['body'] });
  });

  it('passes HTML and other angle brackets through; << is a literal <', () => {
    expect(parseTemplate('<b>bold</b> a<b')).toEqual([{ kind: 'text', text: '<b>bold</b> a<b' }]);
    expect(parseTemplate('<<secrets.X>')).toEqual([{ kind: 'text', text: '<secrets.X>' }]);
  });

  it.each([
    ['<secrets.>', 9],
    ['ab <secrets.X', 3],
    ['<secrets.X Y>', 10],
    ['<secrets.X|base64>', 10],
    ['<secrets.X.sub>', 9],
    ['<secrets.9X>', 9],
    ['<steps.s.nope>', 9],
    ['<secrets.<secrets.X>>', 0],
  ])('refuses %j with TEMPLATE_SYNTAX at position %i', (src, position) => {
    const e = err(() => parseTemplate(src));
    expect(e.code).toBe('TEMPLATE_SYNTAX');
    expect(e.details).toEqual({ position });
    expect(e.message).toContain(`position ${position}`);
  });

  it('renders without transforms; encode applies to substituted values only', () => {
    const out = renderTemplate('a=<inputs.x>&b=<secrets.K>', { input: () => 'x y', secret: () => 's/t' }, encodeURIComponent);
    expect(out).toBe('a=x%20y&b=s%2Ft');
  });
});

describe('request analysis', () => {
  it('classifies each use by placement', () => {
    const a = analyzeRequest({
      method: 'POST',
      url: 'https://api.x.com/v1/<secrets.P>/items?key=<secrets.Q>',
      headers: { Authorization: 'Bearer <secrets.H>' },
      query: { extra: '<secrets.Q>' },
      body: 'token=<secrets.B>',
    });
    expect(a.uses.map((u) => `${u.name}:${u.placement}`).sort()).toEqual(['B:body', 'H:header', 'P:path', 'Q:query', 'Q:query']);
    expect(a.names.sort()).toEqual(['B', 'H', 'P', 'Q']);
    expect(analyzeRequest({ method: 'POST', url: 'https://x.com/', json: { a: ['<secrets.J>'] } }).uses[0]).toMatchObject({ name: 'J', placement: 'body' });
  });

  it.each([
    'https://<secrets.K>.x.com/',
    'https://user:<secrets.K>@x.com/',
    'https://<secrets.K>@x.com/',
    'https://x.com:<secrets.K>/',
    '<secrets.K>://x.com/',
    'https://x.com<secrets.K>/',
    'https://x.com/#<secrets.K>',
    '//<secrets.K>/x',
  ])('never lets a secret into scheme, host, port, user info or fragment: %s', (url) => {
    expect(['PLACEMENT_NOT_ALLOWED', 'BAD_INPUT']).toContain(err(() => analyzeRequest({ method: 'GET', url })).code);
  });

  it('refuses secrets in header names, query names and JSON keys', () => {
    expect(err(() => analyzeRequest({ method: 'GET', url: 'https://x.com/', headers: { '<secrets.K>': 'v' } })).code).toBe('PLACEMENT_NOT_ALLOWED');
    expect(err(() => analyzeRequest({ method: 'GET', url: 'https://x.com/', query: { '<secrets.K>': 'v' } })).code).toBe('PLACEMENT_NOT_ALLOWED');
    expect(err(() => analyzeRequest({ method: 'POST', url: 'https://x.com/', json: { '<secrets.K>': 1 } })).code).toBe('PLACEMENT_NOT_ALLOWED');
  });

  it('refuses task-only expressions from agents', () => {
    expect(err(() => analyzeRequest({ method: 'GET', url: 'https://x.com/<inputs.a>' })).code).toBe('BAD_INPUT');
  });

  it('renders path and query values percent-encoded so they cannot restructure the URL', () => {
    const url = renderUrl('https://x.com/a/<secrets.K>?q=<secrets.K>', { secret: () => '../b?c=d#e&f' });
    const u = new URL(url);
    expect(u.origin).toBe('https://x.com');
    expect(u.pathname).toBe('/a/..%2Fb%3Fc%3Dd%23e%26f');
    expect(u.searchParams.get('q')).toBe('../b?c=d#e&f');
    expect(u.hash).toBe('');
  });

  it('suggests close names', () => {
    expect(closestNames('GITHUB_TOKNE', ['GITHUB_TOKEN', 'OPENAI_KEY', 'GITLAB_TOKEN'])[0]).toBe('GITHUB_TOKEN');
    expect(closestNames('zzzzzzzzzzzz', ['GITHUB_TOKEN'])).toEqual([]);
  });
});

describe('redactor', () => {
  const value = 'sk-Redact+/Me="now"&<ok>';

  it('replaces every encoding with [REDACTED:NAME] and names what it found', () => {
    const r = new Redactor();
    r.add({ name: 'KEY', value });
    const b = Buffer.from(value);
    const samples = [
      value,
      b.toString('base64'),
      b.toString('base64url'),
      Buffer.from(`user:${value}`).toString('base64'),
      Buffer.from(`u:${value}`).toString('base64'),
      encodeURIComponent(value),
      encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      new URLSearchParams({ v: value }).toString().slice(2),
      JSON.stringify(value).slice(1, -1),
      value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
      value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;'),
      b.toString('hex'),
      b.toString('hex').toUpperCase(),
    ];
    for (const s of samples) {
      const out = r.redact(`before ${s} after`);
      expect(out.text, s).toContain('[REDACTED:KEY]');
      expect(out.text).not.toContain(s.slice(4, -4));
      expect(out.redacted).toEqual(['KEY']);
    }
    expect(r.redact('nothing here').redacted).toEqual([]);
  });

  it('catches a value split across stream chunks at every offset', () => {
    const r = new Redactor();
    r.add({ name: 'KEY', value });
    const text = `xx ${value} yy ${Buffer.from(value).toString('base64')} zz`;
    for (let cut = 0; cut <= text.length; cut++) {
      const s = r.stream();
      const out = s.push(text.slice(0, cut)) + s.push(text.slice(cut)) + s.end();
      expect(out).toBe(r.redact(text).text);
      expect(out).not.toContain(value);
    }
  });

  it('redacts multi-line values line by line', () => {
    const pem = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ\n-----END KEY-----';
    const r = new Redactor();
    r.add({ name: 'PEM', value: pem });
    const out = r.redact('line: MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n').text;
    expect(out).toBe('line: [REDACTED:PEM]\n');
  });

  it('merges overlapping matches of two secrets', () => {
    const r = new Redactor();
    r.add({ name: 'A', value: 'abcdefgh1234' });
    r.add({ name: 'B', value: '1234wxyz5678' });
    const out = r.redact('..abcdefgh1234wxyz5678..');
    expect(out.text).toBe('..[REDACTED:A]..');
    expect(out.text).not.toMatch(/1234|wxyz/);
  });

  it('adding the same value twice is a no-op; many secrets still work', () => {
    const r = new Redactor();
    for (let i = 0; i < 10_000; i++) r.add({ name: `S${i}`, value: `value-${i}-${'q'.repeat(8)}-end` });
    r.add({ name: 'S1', value: `value-1-${'q'.repeat(8)}-end` });
    expect(r.redact(`x value-9999-${'q'.repeat(8)}-end y`).text).toBe('x [REDACTED:S9999] y');
    expect(r.redact(`x ${Buffer.from(`value-42-${'q'.repeat(8)}-end`).toString('hex')} y`).text).toBe('x [REDACTED:S42] y');
  });

  it('offers the forms it searches for and skips those too short to be safe', () => {
    const forms = encodingsOf('abcdefgh');
    expect(forms).toContain('abcdefgh');
    expect(forms).toContain('6162636465666768');
    expect(forms.every((f) => f.length >= 4)).toBe(true);
  });
});
