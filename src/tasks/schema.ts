/**
 * The task file format (SPEC §6) as zod schemas, including the strict gate on which JSON Schema
 * keywords a task's `inputs` may use (input-schema.ts turns what passes into zod).
 */
import { z } from 'zod';
import { HTTP_METHODS, REQUEST_LIMITS } from '../template/request.js';
import { SECRET_NAME_RULE } from '../vault/names.js';


/** Tool names MCP clients accept everywhere: letters, digits, `_` and `-`, at most 64. */
export const TASK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** Step and input names are what `<steps.NAME…>` and `<inputs.NAME>` can reference (template/parse.ts). */
const REFERENCE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const stepName = z.string().regex(REFERENCE_NAME, 'step names are a letter, then letters, digits or _');
// The rule's message, not the text: a value pasted where the name goes must not reach logs (promise 1).
const secretName = z.string().regex(SECRET_NAME_RULE, 'secret_name is the name of a secret: a letter, then up to 63 letters, digits or _');

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
      properties: z
        .record(z.string().regex(REFERENCE_NAME, 'input names are a letter, then letters, digits or _'), inputSchemaSchema, {
          // Say what is wrong with the name, not zod's generic "Invalid key in record".
          error: (issue) => (issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined),
        })
        .optional(),
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
  timeoutMs: z.number().int().min(1).max(REQUEST_LIMITS.timeoutMs.max).optional(),
  maxBytes: z.number().int().min(1).max(REQUEST_LIMITS.maxBytes.max).optional(),
};

const httpStep = z
  .object({
    name: stepName.optional(),
    kind: z.literal('http'),
    secret_name: secretName.optional(),
    ...requestFields,
  })
  .strict();

/** The agent-platform spelling: `kind: tool_call`, `tool: http`, the request under `arguments`. */
const toolCallStep = z
  .object({
    name: stepName.optional(),
    kind: z.literal('tool_call'),
    tool: z.literal('http'),
    secret_name: secretName.optional(),
    arguments: z.object({ secret_name: secretName.optional(), ...requestFields }).strict(),
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
