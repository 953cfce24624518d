// Property tests (fast-check) for the template parser and request analysis: the parser only ever
// fails with TEMPLATE_SYNTAX (with a position inside the input), what it accepts round-trips, and
// no substituted value can move a request to another origin or into its user info.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { parseTemplate, type Segment } from '../../src/template/parse.js';
import { analyzeRequest, renderRequestUrl } from '../../src/template/request.js';

const tokens = ['<secrets.', '<inputs.', '<steps.', '<<', '<', '>', '.', 'A', 'b_1', 'status', 'body', 'headers', 'json', '0', '-', ' ', '|', '(', ')', '\n', 'é', '😀', 'x'];
const tokenString = fc.array(fc.constantFrom(...tokens), { maxLength: 30 }).map((a) => a.join(''));
const anyTemplate = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  tokenString,
);

/** Writes segments back as template source: "<" in text doubled, expressions spelled out. */
function serialize(segments: Segment[]): string {
  return segments
    .map((s) => {
      if (s.kind === 'text') return s.text.replace(/</g, '<<');
      if (s.kind === 'secret') return `<secrets.${s.name}>`;
      if (s.kind === 'input') return `<inputs.${s.name}>`;
      return `<steps.${s.step}.${s.path.join('.')}>`;
    })
    .join('');
}

const strip = (segs: Segment[]) => segs.map((s) => (s.kind === 'text' ? s : { ...s, start: 0, end: 0 }));
/** Adjacent text segments are one text; compare after merging. */
function merged(segs: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of strip(segs)) {
    const last = out[out.length - 1];
    if (s.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + s.text };
    else out.push(s);
  }
  return out;
}

describe('parseTemplate properties', () => {
  it('only ever throws BlindfoldError TEMPLATE_SYNTAX, with a position inside the input', () => {
    fc.assert(
      fc.property(anyTemplate, (src) => {
        try {
          parseTemplate(src);
        } catch (err) {
          expect(err).toBeInstanceOf(BlindfoldError);
          const e = err as BlindfoldError;
          expect(e.code).toBe('TEMPLATE_SYNTAX');
          const position = e.details?.position;
          expect(typeof position).toBe('number');
          expect(position as number).toBeGreaterThanOrEqual(0);
          expect(position as number).toBeLessThanOrEqual(src.length);
          expect(e.message).toContain(`position ${position as number}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepted templates: offsets point at the expression source, and serialising round-trips', () => {
    fc.assert(
      fc.property(anyTemplate, (src) => {
        let segs: Segment[];
        try {
          segs = parseTemplate(src);
        } catch {
          return;
        }
        for (const s of segs) {
          if (s.kind === 'text') {
            expect(s.text.length).toBeGreaterThan(0);
            continue;
          }
          const source = src.slice(s.start, s.end);
          expect(source.endsWith('>')).toBe(true);
          if (s.kind === 'secret') expect(source).toBe(`<secrets.${s.name}>`);
          if (s.kind === 'input') expect(source).toBe(`<inputs.${s.name}>`);
          if (s.kind === 'step') expect(source).toBe(`<steps.${s.step}.${s.path.join('.')}>`);
        }
        expect(merged(parseTemplate(serialize(segs)))).toEqual(merged(segs));
      }),
      { numRuns: 2000 },
    );
  });

  it('text that contains no "<" is a single text segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replace(/</g, '')), (src) => {
        expect(parseTemplate(src)).toEqual(src === '' ? [] : [{ kind: 'text', text: src }]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('request analysis properties', () => {
  const hosts = ['api.example.com', 'api.example.com:8443', '127.0.0.1:8080', '[::1]', 'xn--bcher-kva.de'];
  const urlPiece = fc.array(fc.constantFrom('/', '?', '#', '&', '=', '@', ':', '\\', '%2F', '%40', 'a', '.', '..', '<secrets.S>', '<<', ' ', '\t'), { maxLength: 12 }).map((a) => a.join(''));
  const hostile = fc.oneof(
    fc.constantFrom('@evil.com', '//evil.com/', '\\\\evil.com', '/../@evil.com:1', 'evil.com#', '?@evil.com', '\t@evil.com', '%40evil.com', ':pw@evil.com', '\r\n@evil.com'),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );

  it('a URL template that analyzes fine renders to the same origin and no user info, whatever the value', () => {
    fc.assert(
      fc.property(fc.constantFrom('https', 'http', 'HTTPS'), fc.constantFrom(...hosts), urlPiece, hostile, (scheme, host, tail, value) => {
        const url = `${scheme}://${host}${tail}`;
        let uses;
        try {
          uses = analyzeRequest({ method: 'GET', url }).uses;
        } catch (err) {
          expect(err).toBeInstanceOf(BlindfoldError);
          return;
        }
        for (const u of uses) expect(['path', 'query']).toContain(u.placement);
        let literal: URL;
        let rendered: URL;
        try {
          literal = new URL(renderRequestUrl(url, () => 'benign'));
          rendered = new URL(renderRequestUrl(url, () => value));
        } catch {
          return; // not a URL at all, or a lone surrogate with no URL encoding: nothing is sent
        }
        // The destination and the user info are whatever the literal text says, never the value.
        expect(rendered.origin).toBe(literal.origin);
        expect(rendered.username).toBe(literal.username);
        expect(rendered.password).toBe(literal.password);
        if (uses.length > 0 && !/[/\\?#]/.test(tail.split('<secrets.S>')[0]!)) expect.unreachable('a secret before the end of the authority was accepted');
      }),
      { numRuns: 2000 },
    );
  });

  it('a secret anywhere before the end of the authority is refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.constantFrom('https://', 'http://', 'https:/', 'https:', ''), (pre, post, scheme) => {
        const clean = (s: string) => s.replace(/[/?#\\<]/g, '');
        const url = `${scheme}${clean(pre)}<secrets.S>${clean(post)}/p?q=1`;
        try {
          analyzeRequest({ method: 'GET', url });
        } catch (err) {
          expect(err).toBeInstanceOf(BlindfoldError);
          expect(['PLACEMENT_NOT_ALLOWED', 'BAD_INPUT']).toContain((err as BlindfoldError).code);
          return;
        }
        expect.unreachable(`accepted ${url}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('analyzeRequest never throws anything but a BlindfoldError', () => {
    const str = fc.oneof(fc.string({ maxLength: 30 }), tokenString);
    fc.assert(
      fc.property(str, fc.dictionary(str, str, { maxKeys: 3 }), fc.dictionary(str, str, { maxKeys: 3 }), fc.option(str), fc.option(fc.jsonValue({ maxDepth: 3 })), (url, headers, query, body, json) => {
        try {
          analyzeRequest({ method: 'POST', url: `https://x.com/${url}`, headers, query, body: body ?? undefined, json: json ?? undefined });
        } catch (err) {
          expect(err).toBeInstanceOf(BlindfoldError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
