/**
 * The tools Blindfold offers, as data: name, title, description, zod input and output schemas,
 * annotations. The MCP server registers these, and runtime adapters (AI SDK, LangChain, OpenAI
 * Agents, Claude Agent SDK) reuse them, so every front end describes a tool the same way.
 * Importing this module starts nothing and reaches nothing.
 */
import { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import { PLACEMENTS } from '../policy/placements.js';
import { HTTP_METHODS, REQUEST_LIMITS } from '../template/request.js';
import type { Task } from '../tasks/loader.js';
import { LIST_LIMIT } from '../vault/listing-page.js';

export interface ToolDefinition<In extends z.ZodRawShape = z.ZodRawShape, Out extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: In;
  outputSchema: Out;
  annotations: { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
}

const secretListing = z.object({
  name: z.string(),
  description: z.string(),
  metadata: z.record(z.string(), z.string()),
  environments: z.array(z.string()).describe('environments that have a value (including "default")'),
  hosts: z.array(z.string()).describe('origins this secret may be sent to'),
  placements: z.array(z.enum(PLACEMENTS)).describe('where <secrets.NAME> may appear in http_request'),
  inject: z.string().describe('how task steps place the secret'),
  updatedAt: z.string(),
  lastUsedAt: z.string().nullable(),
  useCount: z.number().int(),
});

const listSecrets = {
  name: 'list_secrets',
  title: 'List secrets',
  description:
    'List the secrets you can use (names, descriptions, allowed hosts and placements; never values). ' +
    'Use a name as <secrets.NAME> in http_request; the server fills in the value and scrubs it from the response.',
  inputSchema: {
    filter: z.string().max(200).optional().describe('case-insensitive text to match in names and descriptions'),
    limit: z.number().int().min(1).max(LIST_LIMIT.max).optional().describe(`secrets per page, default ${LIST_LIMIT.default}`),
    cursor: z.string().max(100).optional().describe('nextCursor of the previous page, for the page after it'),
  },
  outputSchema: {
    secrets: z.array(secretListing).describe('this page, sorted by name'),
    total: z.number().int().describe('secrets that match, on every page'),
    nextCursor: z.string().optional().describe('pass as cursor for the next page; absent on the last page'),
    environment: z.string(),
    warning: z.string().optional().describe('secrets listed that have no value in this environment (calls using them are refused)'),
  },
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true, destructiveHint: false },
} satisfies ToolDefinition;

const { timeoutMs, maxBytes } = REQUEST_LIMITS;

const httpRequest = {
  name: 'http_request',
  title: 'HTTP request with secrets',
  description:
    'Make an HTTP request. Write <secrets.NAME> where a credential goes (e.g. header "Authorization": "Bearer <secrets.GITHUB_TOKEN>"); ' +
    'the server substitutes the value, sends it only to the hosts the secret is bound to, and removes it from the response. ' +
    'You never see the value. Call list_secrets for the names, hosts and allowed placements.',
  inputSchema: {
    method: z.enum(HTTP_METHODS).describe('HTTP method'),
    url: z.string().max(8192).describe('absolute http(s) URL; <secrets.NAME> may appear in the path or query (if the secret allows), never in the host'),
    headers: z.record(z.string(), z.string()).optional().describe('request headers; values may contain <secrets.NAME>'),
    query: z.record(z.string(), z.string()).optional().describe('query parameters added to the URL; values may contain <secrets.NAME>'),
    body: z.string().optional().describe('raw request body; may contain <secrets.NAME> if the secret allows body placement'),
    json: z.unknown().optional().describe('JSON request body (instead of body); string values may contain <secrets.NAME>'),
    timeoutMs: z.number().int().min(1).max(timeoutMs.max).optional().describe(`default ${timeoutMs.default}`),
    maxBytes: z.number().int().min(1).max(maxBytes.max).optional().describe(`response body cap, default ${maxBytes.default}`),
  },
  outputSchema: {
    status: z.number().int(),
    statusText: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().optional(),
    json: z.unknown().optional(),
    binary: z.object({ contentType: z.string() }).optional().describe('bytes that are not text: only their content type is given'),
    withheld: z.boolean().optional().describe('part or all of the answer was withheld to keep a secret safe (the reason is in the admin audit trail)'),
    truncated: z.boolean(),
    redacted: z.array(z.string()).describe('secrets whose values (in any encoding) were scrubbed from this response'),
    durationMs: z.number(),
    redirects: z.number().int(),
    redirectNotFollowed: z.string().optional(),
  },
  annotations: { readOnlyHint: false, openWorldHint: true, destructiveHint: true, idempotentHint: false },
} satisfies ToolDefinition;

const requestSecret = {
  name: 'request_secret',
  title: 'Ask a human for a missing secret',
  description:
    'Ask a human to enter a secret you need that does not exist yet. Give name (inside the names you may use) and reason; hosts are ' +
    'the API hosts you expect it to be sent to (the human confirms each). The value is entered by the human in the Blindfold admin page ' +
    'and never reaches you. Returns a request id and, when a page is running, a link for the human; call again with {id} to learn ' +
    'whether the secret now exists (pending, saved, declined or expired).',
  inputSchema: {
    name: z.string().max(64).optional().describe('the secret name to ask for, e.g. GITHUB_TOKEN'),
    reason: z.string().max(2000).optional().describe('why you need it, shown to the human as quoted text'),
    hosts: z.array(z.string().max(300)).max(20).optional().describe('API hosts it should be sent to, e.g. api.github.com; the human confirms each'),
    id: z.string().max(64).optional().describe('the id of a request you made earlier: poll its answer (give only this)'),
  },
  outputSchema: {
    name: z.string(),
    status: z.enum(['pending', 'saved', 'declined', 'expired', 'exists']).describe('exists: the secret was already there; saved: the human entered it'),
    exists: z.boolean().describe('whether you can use <secrets.NAME> now'),
    id: z.string().optional().describe('poll with request_secret {id}'),
    link: z.string().optional().describe('the page form for the human (carries no login)'),
    expiresAt: z.string().optional(),
    elicited: z.boolean().optional().describe('the client was asked to show the link to the human (URL elicitation)'),
  },
  annotations: { readOnlyHint: false, openWorldHint: true, destructiveHint: false, idempotentHint: false },
} satisfies ToolDefinition;

/** The built-in tools, by name. */
export const toolDefinitions = { list_secrets: listSecrets, http_request: httpRequest, request_secret: requestSecret } as const;

const taskOutput = {
  task: z.string(),
  ok: z.boolean().describe('false when a step answered with an error status and the task stopped there'),
  output: z.unknown().describe('the task output (redacted)'),
  steps: z.array(
    z.object({
      name: z.string(),
      method: z.string(),
      status: z.number().int(),
      durationMs: z.number(),
      redacted: z.array(z.string()),
      truncated: z.boolean(),
    }),
  ),
  failedStep: z.string().optional(),
  durationMs: z.number(),
};

/** The tool a task file becomes: named after the task, its inputs as the input schema. */
export function taskToolDefinition(task: Task): ToolDefinition<Record<string, z.ZodType>, typeof taskOutput> {
  return {
    name: task.name,
    title: task.title ?? task.name,
    description: `${task.description}\n(Blindfold task from ${task.file.split(/[\\/]/).pop()}; credentials are filled in server-side and never shown.)`,
    inputSchema: task.inputShape,
    outputSchema: taskOutput,
    annotations: { readOnlyHint: task.readOnly, destructiveHint: !task.readOnly, openWorldHint: true, idempotentHint: task.readOnly },
  };
}

/** The tools a front end can expose: the built-ins and, as one group, every loaded task (plugins offer no request_secret: no page there). */
export const TOOL_GROUPS = ['list_secrets', 'http_request', 'request_secret', 'tasks'] as const;
export type ToolGroup = (typeof TOOL_GROUPS)[number];

/** The groups `expose` names (all when absent); an unknown group is an error, never ignored. */
export function exposedGroups(expose: readonly ToolGroup[] | undefined): Set<ToolGroup> {
  const groups = new Set<ToolGroup>(expose ?? TOOL_GROUPS);
  for (const group of groups) {
    if (!TOOL_GROUPS.includes(group)) throw new BlindfoldError('BAD_INPUT', `expose: unknown tool group (one of ${TOOL_GROUPS.join(', ')})`);
  }
  return groups;
}
