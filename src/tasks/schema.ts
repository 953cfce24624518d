/**
 * The task file format (SPEC §6) as zod schemas, and the JSON Schema subset that describes a task's
 * inputs turned into zod, so one definition validates `blindfold run --input`, MCP tool calls and
 * produces the tool's `inputSchema`.
 */
import { z } from 'zod';
import { HTTP_METHODS } from '../template/request.js';

/** Tool names MCP clients accept everywhere: letters, digits, `_` and `-`, at most 64. */
export const TASK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const STEP_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const INPUT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export interface InputSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  enum?: Array<string | number | boolean>;
  description?: string;
  default?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: InputSchema;
  properties?: Record<string, InputSchema>;
  required?: string[];
}

const count = z.number().int().min(0);

export const inputSchemaSchema: z.ZodType<InputSchema> = z.lazy(() =>
  z
    .object({
      type: z.enum(['string', 'number', 'integer', 'boolean', 'array', 'object']).optional(),
      enum: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional(),
      description: z.string().optional(),
      default: z.unknown().optional(),
      pattern: z.string().optional(),
      minLength: count.optional(),
      maxLength: count.optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      minItems: count.optional(),
      maxItems: count.optional(),
      items: inputSchemaSchema.optional(),
      properties: z.record(z.string().regex(INPUT_NAME, 'input names are a letter, then letters, digits or _'), inputSchemaSchema).optional(),
      required: z.array(z.string()).optional(),
    })
    .strict(),
);

const requestFields = {
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(HTTP_METHODS)),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  json: z.unknown().optional(),
  timeoutMs: z.number().int().min(1).max(120_000).optional(),
  maxBytes: z.number().int().min(1).max(10 * 1024 * 1024).optional(),
};

const httpStep = z
  .object({
    name: z.string().regex(STEP_NAME, 'step names are a letter, then letters, digits or _').optional(),
    kind: z.literal('http'),
    secret_name: z.string().optional(),
    ...requestFields,
  })
  .strict();

/** The agent-platform spelling: `kind: tool_call`, `tool: http`, the request under `arguments`. */
const toolCallStep = z
  .object({
    name: z.string().regex(STEP_NAME, 'step names are a letter, then letters, digits or _').optional(),
    kind: z.literal('tool_call'),
    tool: z.literal('http'),
    secret_name: z.string().optional(),
    arguments: z.object({ secret_name: z.string().optional(), ...requestFields }).strict(),
  })
  .strict();

export const taskFileSchema = z
  .object({
    name: z.string().regex(TASK_NAME, 'a task name is a letter, then letters, digits, _ or - (at most 64)'),
    title: z.string().optional(),
    description: z.string().min(1, 'describe what the task does: the agent reads it to decide when to call it'),
    inputs: inputSchemaSchema.optional(),
    steps: z.array(z.discriminatedUnion('kind', [httpStep, toolCallStep])).min(1, 'a task needs at least one step'),
    output: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  })
  .strict();

export type TaskFile = z.infer<typeof taskFileSchema>;

/** One step in the single shape the runner uses, whichever spelling the file chose. */
export interface TaskStep {
  name: string;
  method: (typeof HTTP_METHODS)[number];
  url: string;
  secretName?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
  json?: unknown;
  timeoutMs?: number;
  maxBytes?: number;
  /** Path in the file of the step's request fields, for error messages with a line number. */
  path: (string | number)[];
}

export function normalizeSteps(file: TaskFile): TaskStep[] {
  return file.steps.map((step, i) => {
    const name = step.name ?? `step${i + 1}`;
    const path = ['steps', i];
    if (step.kind === 'http') {
      const { kind: _k, name: _n, secret_name, ...req } = step;
      return { name, path, ...req, ...(secret_name ? { secretName: secret_name } : {}) };
    }
    const { secret_name: inner, ...req } = step.arguments;
    const secretName = step.secret_name ?? inner;
    return { name, path: [...path, 'arguments'], ...req, ...(secretName ? { secretName } : {}) };
  });
}

/** JSON Schema subset → zod, with descriptions and defaults carried over for the tool's inputSchema. */
export function zodFor(schema: InputSchema): z.ZodType {
  let t: z.ZodType;
  if (schema.enum) {
    const values = schema.enum;
    t = values.every((v) => typeof v === 'string')
      ? z.enum(values as [string, ...string[]])
      : z.union(values.map((v) => z.literal(v)) as unknown as [z.ZodLiteral, z.ZodLiteral, ...z.ZodLiteral[]]);
    if (values.length === 1) t = z.literal(values[0]!);
  } else {
    switch (schema.type ?? 'string') {
      case 'string': {
        let s = z.string();
        if (schema.minLength !== undefined) s = s.min(schema.minLength);
        if (schema.maxLength !== undefined) s = s.max(schema.maxLength);
        if (schema.pattern !== undefined) s = s.regex(new RegExp(schema.pattern));
        t = s;
        break;
      }
      case 'number':
      case 'integer': {
        let n = schema.type === 'integer' ? z.number().int() : z.number();
        if (schema.minimum !== undefined) n = n.min(schema.minimum);
        if (schema.maximum !== undefined) n = n.max(schema.maximum);
        t = n;
        break;
      }
      case 'boolean':
        t = z.boolean();
        break;
      case 'array': {
        let a = z.array(schema.items ? zodFor(schema.items) : z.unknown());
        if (schema.minItems !== undefined) a = a.min(schema.minItems);
        if (schema.maxItems !== undefined) a = a.max(schema.maxItems);
        t = a;
        break;
      }
      case 'object':
        t = z.object(shapeFor(schema)).strict();
        break;
    }
  }
  if (schema.description) t = t.describe(schema.description);
  return t;
}

/** The properties of an object schema as a zod shape (what McpServer.registerTool takes). */
export function shapeFor(schema: InputSchema | undefined): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  const required = new Set(schema?.required ?? []);
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    let t = zodFor(prop);
    if (prop.default !== undefined) t = t.default(prop.default as never);
    else if (!required.has(name)) t = t.optional();
    shape[name] = t;
  }
  return shape;
}
