// Unit tests for src/template: the expression parser, request analysis (placements, literal
// destination) and "did you mean" suggestions.
import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { hasExpressions, parseTemplate, renderTemplate, secretNames } from '../../src/template/parse.js';
import { analyzeRequest, renderRequestUrl, renderUrl, splitUrlTemplate, type AgentRequest } from '../../src/template/request.js';
import { closestNames } from '../../src/template/suggest.js';

function caught(fn: () => unknown): BlindfoldError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BlindfoldError);
    return err as BlindfoldError;
  }
  throw new Error('expected a BlindfoldError, nothing was thrown');
}

describe('parseTemplate', () => {
  it('plain text is one text segment; empty input is no segment', () => {
    expect(parseTemplate('hello world')).toEqual([{ kind: 'text', text: 'hello world' }]);
    expect(parseTemplate('')).toEqual([]);
  });

  it('finds a secret with its start and end offsets', () => {
    const src = 'Bearer <secrets.GITHUB_TOKEN>!';
    const segs = parseTemplate(src);
    expect(segs).toEqual([
      { kind: 'text', text: 'Bearer ' },
      { kind: 'secret', name: 'GITHUB_TOKEN', start: 7, end: 29 },
      { kind: 'text', text: '!' },
    ]);
    expect(src.slice(7, 29)).toBe('<secrets.GITHUB_TOKEN>');
  });

  it('parses inputs and every step reference form', () => {
    expect(parseTemplate('<inputs.repo>')).toEqual([{ kind: 'input', name: 'repo', start: 0, end: 13 }]);
    expect(parseTemplate('<steps.s1.status>')).toEqual([{ kind: 'step', step: 's1', path: ['status'], start: 0, end: 17 }]);
    expect(parseTemplate('<steps.s1.body>')[0]).toMatchObject({ kind: 'step', step: 's1', path: ['body'] });
    expect(parseTemplate('<steps.s1.headers.X-Request-Id>')[0]).toMatchObject({ path: ['headers', 'X-Request-Id'] });
    expect(parseTemplate('<steps.s1.json>')[0]).toMatchObject({ path: ['json'] });
    expect(parseTemplate('<steps.login.json.data.items.0.id>')[0]).toMatchObject({
      step: 'login',
      path: ['json', 'data', 'items', '0', 'id'],
    });
    expect(parseTemplate('<steps.s.json._under-score>')[0]).toMatchObject({ path: ['json', '_under-score'] });
  });

  it('adjacent expressions and repeated names', () => {
    const segs = parseTemplate('<secrets.A><secrets.B>x<secrets.A>');
    expect(segs.map((s) => s.kind)).toEqual(['secret', 'secret', 'text', 'secret']);
    expect(segs[1]).toMatchObject({ name: 'B', start: 11, end: 22 });
    expect(secretNames('<secrets.A><secrets.B>x<secrets.A><inputs.C>')).toEqual(['A', 'B']);
  });

  it('"<<" is a literal "<", and escapes an expression opener', () => {
    expect(parseTemplate('a << b')).toEqual([{ kind: 'text', text: 'a < b' }]);
    expect(parseTemplate('<<secrets.A>')).toEqual([{ kind: 'text', text: '<secrets.A>' }]);
    expect(parseTemplate('<<<secrets.A>')).toEqual([{ kind: 'text', text: '<' }, { kind: 'secret', name: 'A', start: 2, end: 13 }]);
    expect(hasExpressions('<<secrets.A>')).toBe(false);
    expect(secretNames('<<secrets.A>')).toEqual([]);
  });

  it('HTML, XML and other "<" stay text', () => {
    const html = '<div class="a"><b>hi</b> 1 < 2 <secret.X> <Secrets.X> <secretsX> </div>';
    expect(parseTemplate(html)).toEqual([{ kind: 'text', text: html }]);
    expect(parseTemplate('<')).toEqual([{ kind: 'text', text: '<' }]);
    expect(parseTemplate('x<')).toEqual([{ kind: 'text', text: 'x<' }]);
    expect(hasExpressions(html)).toBe(false);
  });

  it('keeps non-ASCII and astral text intact', () => {
    expect(parseTemplate('héllo 🔑 <secrets.K> ✓')).toEqual([
      { kind: 'text', text: 'héllo 🔑 ' },
      { kind: 'secret', name: 'K', start: 9, end: 20 },
      { kind: 'text', text: ' ✓' },
    ]);
  });

  it.each([
    ['<secrets.>', 9, /expected a name/],
    ['<inputs.>', 8, /expected a name/],
    ['<steps.>', 7, /expected a name/],
    ['xx<secrets.A', 2, /not closed/],
    ['<secrets.', 0, /not closed/],
    ['a<secrets.A<secrets.B>', 1, /not closed/],
    ['<secrets.A B>', 10, /unexpected " "/],
    ['<secrets.A|upper>', 10, /unexpected "\|"/],
    ['<secrets.A()>', 10, /unexpected "\("/],
    ['<secrets.A[0]>', 10, /unexpected "\["/],
    ['<secrets.A:0:4>', 10, /unexpected ":"/],
    ['<secrets. A>', 9, /unexpected " "/],
    ['<secrets.A.B>', 9, /not a valid name/],
    ['<secrets.A.length>', 9, /not a valid name/],
    ['<secrets.1A>', 9, /not a valid name/],
    ['<secrets._A>', 9, /not a valid name/],
    ['<secrets.A-B>', 9, /not a valid name/],
    [`<secrets.${'A'.repeat(65)}>`, 9, /not a valid name/],
    ['<inputs.1a>', 8, /not a valid name/],
    ['<inputs.a.b>', 8, /not a valid name/],
    ['<steps.1s.status>', 7, /not a valid step name/],
    ['<steps.s1>', 10, /step reference/],
    ['<steps.s1.foo>', 10, /step reference/],
    ['<steps.s1.status.x>', 10, /step reference/],
    ['<steps.s1.body.x>', 10, /step reference/],
    ['<steps.s1.headers>', 10, /step reference/],
    ['<steps.s1.headers.a.b>', 10, /step reference/],
    ['<steps.s1.headers.a_b>', 10, /step reference/],
    ['<steps.s1.json.>', 10, /step reference/],
    ['<steps.s1.json..a>', 10, /step reference/],
    ['<steps.s1.json.1234567890>', 10, /step reference/],
    ['ok <steps.s1.json.a b>', 19, /unexpected " "/],
  ])('%j → TEMPLATE_SYNTAX at %i', (src, position, message) => {
    const err = caught(() => parseTemplate(src));
    expect(err.code).toBe('TEMPLATE_SYNTAX');
    expect(err.details).toEqual({ position });
    expect(err.message).toContain(`position ${position}`);
    expect(err.message).toMatch(message);
  });

  it('a syntax error never echoes surrounding text', () => {
    const err = caught(() => parseTemplate('sk-live-SECRETVALUE-123 <secrets.A B>'));
    expect(err.message).not.toContain('SECRETVALUE');
  });
});

describe('renderTemplate', () => {
  it('substitutes each kind and encodes only substituted values', () => {
    const out = renderTemplate('a&<secrets.S>&<inputs.I>&<steps.x.json.id>&', {
      secret: (n) => `[${n}]`,
      input: (n) => `{${n}}`,
      step: (s, p) => `(${s}:${p.join('.')})`,
    }, (v) => v.toUpperCase());
    expect(out).toBe('a&[S]&{I}&(X:JSON.ID)&');
  });

  it('refuses a kind that has no resolver, with BAD_INPUT', () => {
    expect(caught(() => renderTemplate('<secrets.S>', {})).code).toBe('BAD_INPUT');
    expect(caught(() => renderTemplate('<inputs.I>', { secret: () => 'x' })).code).toBe('BAD_INPUT');
    expect(caught(() => renderTemplate('<steps.s.status>', { secret: () => 'x' })).code).toBe('BAD_INPUT');
  });

  it('accepts pre-parsed segments and does not re-parse substituted values', () => {
    const segs = parseTemplate('x<secrets.S>y');
    expect(renderTemplate(segs, { secret: () => '<secrets.OTHER>' })).toBe('x<secrets.OTHER>y');
  });
});

describe('splitUrlTemplate', () => {
  it('splits origin, path, query, fragment on the raw text', () => {
    expect(splitUrlTemplate('https://api.x.com:8443/a/<secrets.S>?q=<secrets.T>&r=1#frag')).toEqual({
      origin: 'https://api.x.com:8443',
      path: '/a/<secrets.S>',
      query: 'q=<secrets.T>&r=1',
      fragment: 'frag',
    });
    expect(splitUrlTemplate('https://x.com')).toEqual({ origin: 'https://x.com', path: '', query: undefined, fragment: undefined });
    expect(splitUrlTemplate('https://x.com?a')).toMatchObject({ origin: 'https://x.com', path: '', query: 'a' });
    expect(splitUrlTemplate('https://x.com\\y')).toMatchObject({ origin: 'https://x.com', path: '\\y' });
  });

  it('refuses relative URLs with BAD_INPUT', () => {
    expect(caught(() => splitUrlTemplate('/just/a/path')).code).toBe('BAD_INPUT');
    expect(caught(() => splitUrlTemplate('x.com/a')).code).toBe('BAD_INPUT');
  });

  it('splits only a URL the parser reads the same way: the scheme and // as written, no tab or line break', () => {
    // The URL parser reads each of these as one URL whose query holds the text after '?'; split on
    // the first '://', they would put a query-bound value in the path (red team 10).
    for (const url of ['http:127.0.0.1:8/x?a=://b/y', 'http:/127.0.0.1:8/x?a=://b/y', 'http:\\127.0.0.1:8\\x?a=://b/y']) {
      expect(caught(() => splitUrlTemplate(url)).code, url).toBe('BAD_INPUT');
    }
    for (const url of ['https://x.com/a\tb', 'https://x.com/a\nb', 'https://x.com\r/a']) expect(caught(() => splitUrlTemplate(url)).code, JSON.stringify(url)).toBe('BAD_INPUT');
    expect(splitUrlTemplate('HTTPS://x.com/a')).toMatchObject({ origin: 'HTTPS://x.com', path: '/a' });
  });
});

describe('analyzeRequest', () => {
  const req = (r: Partial<AgentRequest>): AgentRequest => ({ method: 'GET', url: 'https://api.example.com/', ...r });

  it.each([
    'https://<secrets.S>/',
    'https://<secrets.S>.example.com/',
    'https://api.<secrets.S>.com/x',
    'https://api.example.com<secrets.S>/x',
    'https://api.example.com:<secrets.S>/',
    'https://user:<secrets.S>@api.example.com/',
    'https://<secrets.S>@api.example.com/',
    'https://<secrets.S>:x@api.example.com/',
    '<secrets.S>://api.example.com/',
    'http<secrets.S>://api.example.com/',
    '<secrets.S>',
    '<secrets.S>/path',
    'https:/api.example.com/<secrets.S>',
    'https:api.example.com/<secrets.S>',
    'https:\\\\api.example.com\\<secrets.S>?x=://y',
    'https://x.com/<secrets.S>#<secrets.S>',
    'https://x.com/#<secrets.S>',
  ])('refuses a secret in the destination or fragment: %s', (url) => {
    const err = caught(() => analyzeRequest(req({ url })));
    expect(err.code).toBe('PLACEMENT_NOT_ALLOWED');
    expect(err.message).not.toContain('<secrets.');
  });

  it('refuses expressions in the authority even for inputs and steps', () => {
    expect(caught(() => analyzeRequest(req({ url: 'https://<inputs.host>/' }))).code).toBe('PLACEMENT_NOT_ALLOWED');
    expect(caught(() => analyzeRequest(req({ url: 'https://<steps.a.body>/' }))).code).toBe('PLACEMENT_NOT_ALLOWED');
  });

  it('classifies every placement', () => {
    const out = analyzeRequest({
      method: 'POST',
      url: 'https://api.example.com/v1/<secrets.P>/x?key=<secrets.Q>',
      headers: { Authorization: 'Bearer <secrets.H>', 'X-Plain': 'no secret' },
      query: { token: '<secrets.Q2>' },
      body: 'grant=<secrets.B>',
    });
    expect(out.uses).toEqual([
      { name: 'P', placement: 'path', where: 'the URL path' },
      { name: 'Q', placement: 'query', where: 'the URL query string' },
      { name: 'Q2', placement: 'query', where: 'query "token"' },
      { name: 'H', placement: 'header', where: 'header "Authorization"' },
      { name: 'B', placement: 'body', where: 'body' },
    ]);
    expect(out.names).toEqual(['P', 'Q', 'Q2', 'H', 'B']);
  });

  it('walks JSON bodies: strings in nested objects and arrays are body placements', () => {
    const out = analyzeRequest(req({ method: 'POST', json: { a: ['x', { b: '<secrets.J>' }], n: 1, t: true, z: null, c: 'k=<secrets.K>' } }));
    expect(out.uses).toEqual([
      { name: 'J', placement: 'body', where: 'json body' },
      { name: 'K', placement: 'body', where: 'json body' },
    ]);
    expect(analyzeRequest(req({ json: '<secrets.S>' })).uses).toEqual([{ name: 'S', placement: 'body', where: 'json body' }]);
  });

  it('dedupes names but keeps every use', () => {
    const out = analyzeRequest(req({ headers: { A: '<secrets.S>', B: '<secrets.S>' } }));
    expect(out.uses).toHaveLength(2);
    expect(out.names).toEqual(['S']);
  });

  it('no expressions → no uses; escaped ones are text', () => {
    expect(analyzeRequest(req({ url: 'https://x.com/<<secrets.S>', body: '<html><<secrets.S></html>' }))).toEqual({ uses: [], names: [] });
  });

  it.each([
    [{ headers: { '<secrets.S>': 'v' } }, /header name/],
    [{ headers: { 'X-<secrets.S>': 'v' } }, /header name/],
    [{ query: { '<secrets.S>': 'v' } }, /query parameter name/],
    [{ json: { '<secrets.S>': 1 } }, /JSON object key/],
    [{ json: { a: [{ 'k<secrets.S>': 'v' }] } }, /JSON object key/],
  ])('refuses secrets in names and keys: %j', (extra, message) => {
    const err = caught(() => analyzeRequest(req(extra as Partial<AgentRequest>)));
    expect(err.code).toBe('PLACEMENT_NOT_ALLOWED');
    expect(err.message).toMatch(message);
  });

  it('refuses <inputs.*> and <steps.*> in an agent request with BAD_INPUT', () => {
    expect(caught(() => analyzeRequest(req({ headers: { A: '<inputs.x>' } }))).code).toBe('BAD_INPUT');
    expect(caught(() => analyzeRequest(req({ body: '<steps.s.body>' }))).code).toBe('BAD_INPUT');
    expect(caught(() => analyzeRequest(req({ url: 'https://x.com/<inputs.p>' }))).code).toBe('BAD_INPUT');
  });

  it('reports malformed expressions anywhere as TEMPLATE_SYNTAX with a position', () => {
    for (const r of [
      req({ url: 'https://x.com/<secrets.A B>' }),
      req({ headers: { A: 'Bearer <secrets.A|base64>' } }),
      req({ query: { q: '<secrets.' } }),
      req({ body: '<secrets.A.slice(0,1)>' }),
      req({ json: { a: '<secrets.>' } }),
    ]) {
      const err = caught(() => analyzeRequest(r));
      expect(err.code).toBe('TEMPLATE_SYNTAX');
      expect(typeof err.details?.position).toBe('number');
    }
  });

  it('refuses relative URLs', () => {
    expect(caught(() => analyzeRequest(req({ url: '/v1/x' }))).code).toBe('BAD_INPUT');
  });
});

describe('renderUrl', () => {
  it('keeps the origin literal and percent-encodes substituted values per component', () => {
    const url = renderRequestUrl('https://api.example.com/a/<secrets.P>/b?x=<secrets.Q>&y=2#f', (n) => (n === 'P' ? '../x/?#@evil.com' : 'a&b=c+d e#'));
    const parsed = new URL(url);
    expect(parsed.origin).toBe('https://api.example.com');
    expect(parsed.pathname).toBe('/a/..%2Fx%2F%3F%23%40evil.com/b');
    expect(parsed.searchParams.get('x')).toBe('a&b=c+d e#');
    expect(parsed.searchParams.get('y')).toBe('2');
    expect(parsed.hash).toBe('#f');
  });

  it('a value can never move the request to another host', () => {
    for (const v of ['@evil.com', '//evil.com', '\\\\evil.com', '/../../@evil.com:1/', '%2F%2Fevil.com', 'evil.com#', '\t@evil.com']) {
      expect(new URL(renderRequestUrl('https://api.example.com/<secrets.S>', () => v)).host).toBe('api.example.com');
      expect(new URL(renderRequestUrl('https://api.example.com?<secrets.S>', () => v)).host).toBe('api.example.com');
      expect(new URL(renderUrl('https://api.example.com/x/<inputs.I>', { input: () => v })).host).toBe('api.example.com');
    }
  });
});

describe('closestNames', () => {
  const names = ['GITHUB_TOKEN', 'GITLAB_TOKEN', 'OPENAI_API_KEY', 'STRIPE_KEY', 'SLACK_BOT_TOKEN'];

  it('suggests close names, closest first', () => {
    expect(closestNames('GITHUB_TOKN', names)[0]).toBe('GITHUB_TOKEN');
    expect(closestNames('GITHUB_TOKN', names)).toContain('GITLAB_TOKEN');
    expect(closestNames('github_token', names)[0]).toBe('GITHUB_TOKEN');
    expect(closestNames('GIHTUB_TOKEN', names)[0]).toBe('GITHUB_TOKEN'); // transposition
    expect(closestNames('OPENAI', names)).toEqual(['OPENAI_API_KEY']); // substring
  });

  it('suggests nothing for far-away names and respects max', () => {
    expect(closestNames('DATABASE_URL', names)).toEqual([]);
    expect(closestNames('X', [])).toEqual([]);
    expect(closestNames('KEY_A', ['KEY_B', 'KEY_C', 'KEY_D', 'KEY_E'], 2)).toEqual(['KEY_B', 'KEY_C']);
  });
});
