// Unit tests for a task's `inputs` (README "Task files" reference): one test per JSON Schema keyword
// the reference promises, checked the three ways the schema is used — the strict gate at load, the
// validation of `blindfold run --input` and MCP tool calls (validateInputs), and the `inputSchema`
// MCP clients are shown (emitted by the SDK exactly as tools/list does).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeObjectSchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BlindfoldError } from '../../src/errors.js';
import { loadTaskFile, type SecretCatalog, type Task } from '../../src/tasks/loader.js';
import { validateInputs } from '../../src/tasks/runner.js';
import { REQUEST_LIMITS } from '../../src/template/request.js';

const MAX_TIMEOUT_MS = REQUEST_LIMITS.timeoutMs.max;
const MAX_MAX_BYTES = REQUEST_LIMITS.maxBytes.max;
import { shapeFor } from '../../src/tasks/input-schema.js';
import { inputSchemaSchema, taskFileSchema, type InputSchema } from '../../src/tasks/schema.js';

function taskWith(properties: Record<string, InputSchema>, required: string[] = []): Task {
  const inputs: InputSchema = { type: 'object', properties, required };
  return { name: 't', description: 'd', file: 't.yaml', inputs, inputShape: shapeFor(inputs), steps: [], output: undefined, readOnly: true, secrets: [] };
}

/** The inputs after validation, or the BAD_INPUT message. */
function run(task: Task, raw: unknown): { ok: Record<string, unknown> } | { refused: string } {
  try {
    return { ok: validateInputs(task, raw) };
  } catch (err) {
    expect(err).toBeInstanceOf(BlindfoldError);
    expect((err as BlindfoldError).code).toBe('BAD_INPUT');
    return { refused: (err as BlindfoldError).message };
  }
}

/** What tools/list shows MCP clients for this task (the SDK's own conversion and options). */
function emitted(task: Task): Record<string, any> {
  return toJsonSchemaCompat(normalizeObjectSchema(task.inputShape)!, { strictUnions: true, pipeStrategy: 'input' }) as Record<string, any>;
}

describe('type', () => {
  it('string: accepts text, refuses a number', () => {
    const t = taskWith({ s: { type: 'string' } }, ['s']);
    expect(run(t, { s: 'x' })).toEqual({ ok: { s: 'x' } });
    expect(run(t, { s: 5 })).toEqual({ refused: expect.stringMatching(/^invalid inputs for t: s: .*expected string, received number/) });
    expect(emitted(t).properties.s).toEqual({ type: 'string' });
  });

  it('a property without type or enum is a string', () => {
    const t = taskWith({ s: { description: 'untyped' } }, ['s']);
    expect(run(t, { s: 'x' })).toEqual({ ok: { s: 'x' } });
    expect(run(t, { s: true })).toEqual({ refused: expect.stringMatching(/s: .*expected string, received boolean/) });
    expect(emitted(t).properties.s).toEqual({ type: 'string', description: 'untyped' });
  });

  it('number: accepts a fraction, refuses numeric text', () => {
    const t = taskWith({ n: { type: 'number' } }, ['n']);
    expect(run(t, { n: 1.5 })).toEqual({ ok: { n: 1.5 } });
    expect(run(t, { n: '1' })).toEqual({ refused: expect.stringMatching(/n: .*expected number, received string/) });
    expect(emitted(t).properties.n).toEqual({ type: 'number' });
  });

  it('integer: accepts a whole number, refuses a fraction', () => {
    const t = taskWith({ i: { type: 'integer' } }, ['i']);
    expect(run(t, { i: 2 })).toEqual({ ok: { i: 2 } });
    expect(run(t, { i: 1.5 })).toEqual({ refused: expect.stringMatching(/i: .*expected int, received number/) });
    expect(emitted(t).properties.i).toMatchObject({ type: 'integer' });
  });

  it('boolean: accepts true, refuses the text "true"', () => {
    const t = taskWith({ b: { type: 'boolean' } }, ['b']);
    expect(run(t, { b: true })).toEqual({ ok: { b: true } });
    expect(run(t, { b: 'true' })).toEqual({ refused: expect.stringMatching(/b: .*expected boolean, received string/) });
    expect(emitted(t).properties.b).toEqual({ type: 'boolean' });
  });
});

describe('string keywords', () => {
  it('pattern is a JS regex, unanchored unless it says ^...$ (JSON Schema semantics)', () => {
    const t = taskWith({ anywhere: { type: 'string', pattern: '[0-9]' }, whole: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' }, look: { type: 'string', pattern: '^(?=.*\\d)\\w{3}$' } });
    expect(run(t, { anywhere: 'ab1cd' })).toEqual({ ok: { anywhere: 'ab1cd' } });
    expect(run(t, { anywhere: 'abcd' })).toEqual({ refused: expect.stringMatching(/anywhere: Invalid string: must match pattern \/\[0-9\]\//) });
    expect(run(t, { whole: 'acme/api' })).toEqual({ ok: { whole: 'acme/api' } });
    expect(run(t, { whole: 'acme/api/x' })).toEqual({ refused: expect.stringMatching(/whole: Invalid string: must match pattern/) });
    expect(run(t, { look: 'a1b' })).toEqual({ ok: { look: 'a1b' } });
    expect(run(t, { look: 'abc' })).toEqual({ refused: expect.stringMatching(/look: Invalid string: must match pattern/) });
    expect(emitted(t).properties.anywhere).toEqual({ type: 'string', pattern: '[0-9]' });
  });

  it('an invalid pattern fails when the shape is built (the loader reports it against the file)', () => {
    expect(() => shapeFor({ type: 'object', properties: { s: { type: 'string', pattern: '[' } } })).toThrow(/Invalid regular expression/);
  });

  it('minLength and maxLength are inclusive bounds', () => {
    const t = taskWith({ s: { type: 'string', minLength: 2, maxLength: 4 } }, ['s']);
    expect(run(t, { s: 'ab' })).toEqual({ ok: { s: 'ab' } });
    expect(run(t, { s: 'abcd' })).toEqual({ ok: { s: 'abcd' } });
    expect(run(t, { s: 'a' })).toEqual({ refused: expect.stringMatching(/s: Too small: expected string to have >=2 characters/) });
    expect(run(t, { s: 'abcde' })).toEqual({ refused: expect.stringMatching(/s: Too big: expected string to have <=4 characters/) });
    expect(emitted(t).properties.s).toEqual({ type: 'string', minLength: 2, maxLength: 4 });
  });
});

describe('number keywords', () => {
  it('minimum and maximum are inclusive bounds, for number and integer', () => {
    const t = taskWith({ n: { type: 'number', minimum: 0, maximum: 1 }, i: { type: 'integer', minimum: 1, maximum: 100 } });
    expect(run(t, { n: 0, i: 1 })).toEqual({ ok: { n: 0, i: 1 } });
    expect(run(t, { n: 1, i: 100 })).toEqual({ ok: { n: 1, i: 100 } });
    expect(run(t, { n: -0.1 })).toEqual({ refused: expect.stringMatching(/n: Too small: expected number to be >=0/) });
    expect(run(t, { i: 101 })).toEqual({ refused: expect.stringMatching(/i: Too big: expected number to be <=100/) });
    expect(emitted(t).properties).toEqual({ n: { type: 'number', minimum: 0, maximum: 1 }, i: { type: 'integer', minimum: 1, maximum: 100 } });
  });
});

describe('array keywords', () => {
  it('items is enforced on every element, with the element index in the message', () => {
    const t = taskWith({ labels: { type: 'array', items: { type: 'string', maxLength: 3 } } }, ['labels']);
    expect(run(t, { labels: ['bug', 'ci'] })).toEqual({ ok: { labels: ['bug', 'ci'] } });
    expect(run(t, { labels: ['bug', 7] })).toEqual({ refused: expect.stringMatching(/labels\.1: .*expected string, received number/) });
    expect(run(t, { labels: ['toolong'] })).toEqual({ refused: expect.stringMatching(/labels\.0: Too big/) });
    expect(run(t, { labels: 'bug' })).toEqual({ refused: expect.stringMatching(/labels: .*expected array, received string/) });
    expect(emitted(t).properties.labels).toEqual({ type: 'array', items: { type: 'string', maxLength: 3 } });
  });

  it('items follow the same rules as properties: untyped is a string, objects refuse undeclared keys', () => {
    const t = taskWith({ tags: { type: 'array', items: { description: 'tag' } }, people: { type: 'array', items: { type: 'object', properties: { login: { type: 'string' } } } } });
    expect(run(t, { tags: ['a'], people: [{ login: 'octo' }] })).toEqual({ ok: { tags: ['a'], people: [{ login: 'octo' }] } });
    expect(run(t, { tags: [1] })).toEqual({ refused: expect.stringMatching(/tags\.0: .*expected string, received number/) });
    expect(run(t, { people: [{ login: 'octo', admin: true }] })).toEqual({ refused: expect.stringMatching(/people\.0: Unrecognized key: "admin"/) });
  });

  it('an array without items takes any elements', () => {
    const t = taskWith({ a: { type: 'array' } }, ['a']);
    expect(run(t, { a: [1, 'x', { y: null }] })).toEqual({ ok: { a: [1, 'x', { y: null }] } });
    expect(emitted(t).properties.a).toEqual({ type: 'array', items: {} });
  });

  it('minItems and maxItems are inclusive bounds', () => {
    const t = taskWith({ a: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2 } }, ['a']);
    expect(run(t, { a: [1] })).toEqual({ ok: { a: [1] } });
    expect(run(t, { a: [1, 2] })).toEqual({ ok: { a: [1, 2] } });
    expect(run(t, { a: [] })).toEqual({ refused: expect.stringMatching(/a: Too small: expected array to have >=1 items/) });
    expect(run(t, { a: [1, 2, 3] })).toEqual({ refused: expect.stringMatching(/a: Too big: expected array to have <=2 items/) });
    expect(emitted(t).properties.a).toMatchObject({ type: 'array', minItems: 1, maxItems: 2 });
  });
});

describe('object keywords', () => {
  const owner: InputSchema = { type: 'object', description: 'who', properties: { login: { type: 'string' }, id: { type: 'integer' } }, required: ['login'] };

  it('a nested object enforces its properties and required, and refuses keys it does not declare', () => {
    const t = taskWith({ owner }, ['owner']);
    expect(run(t, { owner: { login: 'octo' } })).toEqual({ ok: { owner: { login: 'octo' } } });
    expect(run(t, { owner: { login: 'octo', id: 1 } })).toEqual({ ok: { owner: { login: 'octo', id: 1 } } });
    expect(run(t, { owner: { id: 1 } })).toEqual({ refused: expect.stringMatching(/owner\.login: .*expected string, received undefined/) });
    expect(run(t, { owner: { login: 'octo', id: 'x' } })).toEqual({ refused: expect.stringMatching(/owner\.id: .*expected number/) });
    expect(run(t, { owner: { login: 'octo', admin: true } })).toEqual({ refused: expect.stringMatching(/owner: Unrecognized key: "admin"/) });
    expect(emitted(t).properties.owner).toEqual({
      type: 'object',
      description: 'who',
      properties: { login: { type: 'string' }, id: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER } },
      required: ['login'],
      additionalProperties: false,
    });
  });

  it('an object without properties accepts only {}', () => {
    const t = taskWith({ o: { type: 'object' } }, ['o']);
    expect(run(t, { o: {} })).toEqual({ ok: { o: {} } });
    expect(run(t, { o: { x: 1 } })).toEqual({ refused: expect.stringMatching(/o: Unrecognized key: "x"/) });
  });

  it('inputs the task does not declare are refused, not dropped', () => {
    const t = taskWith({ a: { type: 'string' } });
    expect(run(t, { a: 'x', extra: 1 })).toEqual({ refused: expect.stringMatching(/Unrecognized key: "extra"/) });
  });
});

describe('required', () => {
  it('a required input must be given; an optional one may be left out and then stays absent', () => {
    const t = taskWith({ r: { type: 'string' }, o: { type: 'string' } }, ['r']);
    expect(run(t, { r: 'x' })).toEqual({ ok: { r: 'x' } });
    expect(Object.keys((run(t, { r: 'x' }) as { ok: object }).ok)).toEqual(['r']);
    expect(run(t, { o: 'x' })).toEqual({ refused: expect.stringMatching(/r: .*expected string, received undefined/) });
    expect(run(t, undefined)).toEqual({ refused: expect.stringMatching(/r: /) });
    expect(emitted(t).required).toEqual(['r']);
  });
});

describe('enum', () => {
  it('of strings: accepts a listed value, refuses another, naming the options', () => {
    const t = taskWith({ mode: { enum: ['fast', 'slow'] } }, ['mode']);
    expect(run(t, { mode: 'slow' })).toEqual({ ok: { mode: 'slow' } });
    expect(run(t, { mode: 'medium' })).toEqual({ refused: expect.stringMatching(/mode: Invalid option: expected one of "fast"\|"slow"/) });
    expect(emitted(t).properties.mode).toEqual({ type: 'string', enum: ['fast', 'slow'] });
  });

  it('of mixed types: each value keeps its own type (1 is not "1")', () => {
    const t = taskWith({ m: { enum: [1, 'one', true] } }, ['m']);
    for (const v of [1, 'one', true]) expect(run(t, { m: v })).toEqual({ ok: { m: v } });
    expect(run(t, { m: '1' })).toEqual({ refused: expect.stringMatching(/^invalid inputs for t: m: /) });
    expect(run(t, { m: 'true' })).toEqual({ refused: expect.stringMatching(/^invalid inputs for t: m: /) });
    expect(emitted(t).properties.m).toEqual({ anyOf: [{ type: 'number', const: 1 }, { type: 'string', const: 'one' }, { type: 'boolean', const: true }] });
  });

  it('of one value: only that value', () => {
    const t = taskWith({ only: { enum: ['x'] } }, ['only']);
    expect(run(t, { only: 'x' })).toEqual({ ok: { only: 'x' } });
    expect(run(t, { only: 'y' })).toEqual({ refused: expect.stringMatching(/only: Invalid input: expected "x"/) });
    expect(emitted(t).properties.only).toEqual({ type: 'string', const: 'x' });
  });

  it('enum wins over a type given beside it', () => {
    const t = taskWith({ e: { type: 'string', enum: [1, 2] } }, ['e']);
    expect(run(t, { e: 2 })).toEqual({ ok: { e: 2 } });
    expect(run(t, { e: '2' })).toEqual({ refused: expect.stringMatching(/e: /) });
  });
});

describe('default', () => {
  it('is applied when the input is left out, optional or required, and shown to clients as not required', () => {
    const t = taskWith({ draft: { type: 'boolean', default: false }, count: { type: 'integer', default: 10 }, mode: { enum: ['fast', 'slow'], default: 'fast' } }, ['count']);
    expect(run(t, {})).toEqual({ ok: { draft: false, count: 10, mode: 'fast' } });
    expect(run(t, { draft: true, count: 3, mode: 'slow' })).toEqual({ ok: { draft: true, count: 3, mode: 'slow' } });
    expect(run(t, { count: 'x' })).toEqual({ refused: expect.stringMatching(/count: /) });
    const schema = emitted(t);
    expect(schema.properties).toMatchObject({ draft: { type: 'boolean', default: false }, count: { type: 'integer', default: 10 }, mode: { enum: ['fast', 'slow'], default: 'fast' } });
    expect(schema.required ?? []).toEqual([]);
    // ...while the parsed inputs always hold a defaulted input (the runner reads them without a fallback).
    expect(z.toJSONSchema(z.object(t.inputShape), { io: 'output' }).required?.sort()).toEqual(['count', 'draft', 'mode']);
  });

  it('in a nested object is applied there too', () => {
    const t = taskWith({ o: { type: 'object', properties: { level: { type: 'integer', default: 1 } } } }, ['o']);
    expect(run(t, { o: {} })).toEqual({ ok: { o: { level: 1 } } });
  });
});

describe('description', () => {
  it('is carried to the schema clients see, at every depth and on every kind of property', () => {
    const t = taskWith({
      s: { type: 'string', description: 'text' },
      n: { type: 'number', description: 'num', default: 1 },
      a: { type: 'array', description: 'list', items: { type: 'string', description: 'item' } },
      o: { type: 'object', description: 'obj', properties: { x: { type: 'boolean', description: 'flag' } } },
      e: { enum: ['a', 'b'], description: 'choice' },
      m: { enum: [1, 'a'], description: 'mixed' },
    });
    const p = emitted(t).properties;
    expect(p.s.description).toBe('text');
    expect(p.n.description).toBe('num');
    expect(p.a.description).toBe('list');
    expect(p.a.items.description).toBe('item');
    expect(p.o.description).toBe('obj');
    expect(p.o.properties.x.description).toBe('flag');
    expect(p.e.description).toBe('choice');
    expect(p.m.description).toBe('mixed');
  });
});

describe('the whole inputSchema clients see', () => {
  it('is unchanged for the README example', () => {
    const t = taskWith(
      {
        repo: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$', description: 'owner/name' },
        title: { type: 'string', maxLength: 256 },
        body: { type: 'string', maxLength: 10000 },
        labels: { type: 'array', items: { type: 'string' }, maxItems: 10 },
        draft: { type: 'boolean', default: false },
      },
      ['repo', 'title'],
    );
    expect(emitted(t)).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        repo: { type: 'string', pattern: '^[A-Za-z0-9_.-]+\\/[A-Za-z0-9_.-]+$', description: 'owner/name' },
        title: { type: 'string', maxLength: 256 },
        body: { type: 'string', maxLength: 10000 },
        labels: { type: 'array', items: { type: 'string' }, maxItems: 10 },
        draft: { type: 'boolean', default: false },
      },
      required: ['repo', 'title'],
    });
  });

  it('a task without inputs takes none', () => {
    const inputShape = shapeFor(undefined);
    expect(inputShape).toEqual({});
    const t = { ...taskWith({}), inputs: undefined, inputShape };
    expect(run(t, undefined)).toEqual({ ok: {} });
    expect(run(t, { x: 1 })).toEqual({ refused: expect.stringMatching(/Unrecognized key: "x"/) });
  });
});

describe('the strict gate on the keywords a task file may use', () => {
  it('accepts every keyword the reference lists', () => {
    const all = {
      type: 'object',
      description: 'd',
      properties: {
        s: { type: 'string', pattern: 'x', minLength: 1, maxLength: 2, description: 'd', default: 'x' },
        n: { type: 'number', minimum: 0, maximum: 1 },
        i: { type: 'integer', minimum: 0, maximum: 1 },
        b: { type: 'boolean' },
        a: { type: 'array', items: { type: 'string' }, minItems: 0, maxItems: 1 },
        o: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] },
        e: { enum: ['a', 1, true] },
      },
      required: ['s'],
    };
    expect(inputSchemaSchema.safeParse(all).success).toBe(true);
  });

  it.each([
    ['format', { type: 'string', format: 'email' }],
    ['additionalProperties', { type: 'object', additionalProperties: true }],
    ['const', { const: 'x' }],
    ['oneOf', { oneOf: [{ type: 'string' }, { type: 'number' }] }],
    ['$ref', { $ref: '#/x' }],
  ])('refuses %s, naming it', (keyword, prop) => {
    const r = inputSchemaSchema.safeParse({ type: 'object', properties: { p: prop } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain(keyword);
    expect(r.error!.issues[0]!.path).toEqual(['properties', 'p']);
  });

  it('refuses a property name a template could not reference', () => {
    const r = inputSchemaSchema.safeParse({ type: 'object', properties: { 'a-b': { type: 'string' } } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('input names are a letter, then letters, digits or _');
    expect(r.error!.issues[0]!.path).toEqual(['properties', 'a-b']);
  });

  describe('in a task file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-input-schema-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const noSecrets: SecretCatalog = { has: () => false, names: () => [], get: () => { throw new Error('no secrets here'); } };
    const load = (inputs: string) => {
      const file = join(dir, 'task.yaml');
      writeFileSync(file, `name: t\ndescription: d\ninputs:\n  type: object\n  properties:\n${inputs}\nsteps:\n  - kind: http\n    method: GET\n    url: https://example.com/x\n`);
      return loadTaskFile(file, noSecrets);
    };

    it('loads a valid one', () => {
      expect(load('    q: {type: string, pattern: "^a"}')).toHaveProperty('task');
    });

    it('reports an unknown keyword with its line', () => {
      expect(load('    q: {type: string}\n    e:\n      type: string\n      format: email')).toEqual({
        problem: { file: join(dir, 'task.yaml'), line: 8, message: 'inputs.properties.e: Unrecognized key: "format"' },
      });
    });

    it('reports an invalid pattern against inputs', () => {
      const r = load('    q: {type: string, pattern: "("}');
      expect(r).toHaveProperty('problem');
      expect((r as { problem: { message: string } }).problem.message).toMatch(/^inputs: Invalid regular expression/);
    });
  });
});

describe('the rest of a task file shares its facts with the modules that own them', () => {
  const file = (step: Record<string, unknown>) => ({ name: 't', description: 'd', steps: [{ kind: 'http', method: 'GET', url: 'https://example.com/', ...step }] });
  const firstIssue = (step: Record<string, unknown>) => {
    const r = taskFileSchema.safeParse(file(step));
    return r.success ? undefined : r.error.issues[0]!;
  };

  it('timeoutMs and maxBytes go up to the limits http_request has (template/request.ts), not beyond', () => {
    expect(firstIssue({ timeoutMs: MAX_TIMEOUT_MS, maxBytes: MAX_MAX_BYTES })).toBeUndefined();
    expect(firstIssue({ timeoutMs: MAX_TIMEOUT_MS + 1 })).toMatchObject({ path: ['steps', 0, 'timeoutMs'], code: 'too_big' });
    expect(firstIssue({ maxBytes: MAX_MAX_BYTES + 1 })).toMatchObject({ path: ['steps', 0, 'maxBytes'], code: 'too_big' });
    const call = { name: 't', description: 'd', steps: [{ kind: 'tool_call', tool: 'http', arguments: { method: 'GET', url: 'https://example.com/', timeoutMs: MAX_TIMEOUT_MS + 1 } }] };
    expect(taskFileSchema.safeParse(call).error?.issues[0]).toMatchObject({ path: ['steps', 0, 'arguments', 'timeoutMs'], code: 'too_big' });
  });

  it('secret_name must be a secret name (vault/names.ts), and a value put there is not repeated', () => {
    expect(firstIssue({ secret_name: 'GITHUB_PAT' })).toBeUndefined();
    const value = 'ghp_R3alLooking-Value/123';
    const request = { method: 'GET', url: 'https://example.com/' };
    const spellings = [
      { kind: 'http', secret_name: value, ...request },
      { kind: 'tool_call', tool: 'http', secret_name: value, arguments: request },
      { kind: 'tool_call', tool: 'http', arguments: { secret_name: value, ...request } },
    ];
    for (const step of spellings) {
      const r = taskFileSchema.safeParse({ name: 't', description: 'd', steps: [step] });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.message).toMatch(/^secret_name is the name of a secret/);
      expect(JSON.stringify(r.error!.issues.map((i) => i.message))).not.toContain('ghp_');
    }
  });

  it('a step name must be one <steps.NAME> can reference', () => {
    expect(firstIssue({ name: 'create_issue' })).toBeUndefined();
    expect(firstIssue({ name: 'create-issue' })).toMatchObject({ path: ['steps', 0, 'name'], message: 'step names are a letter, then letters, digits or _' });
  });
});
