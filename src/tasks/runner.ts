/**
 * Runs a task: validates the inputs, then each step through the broker (the same policy, egress,
 * redaction and audit as `http_request`), feeding later steps the earlier ones' redacted results.
 * A step answering 4xx/5xx ends the task there.
 */
import { z } from 'zod';
import type { Broker, HttpResult, Principal } from '../broker.js';
import { BlindfoldError } from '../errors.js';
import { parseTemplate } from '../template/parse.js';
import { asText, bindStep, type BindContext } from './bind.js';
import type { Task } from './loader.js';
import { WITHHELD_NOTICE } from '../redact/wall.js';
import { zodIssueText } from './problem-text.js';

export interface StepOutcome {
  name: string;
  method: string;
  status: number;
  durationMs: number;
  redacted: string[];
  truncated: boolean;
}

export interface TaskResult {
  task: string;
  ok: boolean;
  output: unknown;
  steps: StepOutcome[];
  /** Set when a step answered with an error status and the task stopped there. */
  failedStep?: string;
  durationMs: number;
}

export function validateInputs(task: Task, raw: unknown): Record<string, unknown> {
  const parsed = z.object(task.inputShape).strict().safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => zodIssueText(i, 'inputs'));
    throw new BlindfoldError('BAD_INPUT', `invalid inputs for ${task.name}: ${problems.join('; ')}`, { problems });
  }
  return parsed.data;
}

function stepValue(results: Map<string, HttpResult>, step: string, path: string[]): unknown {
  const r = results.get(step);
  if (!r) throw new BlindfoldError('INTERNAL', `step ${step} has no result yet`);
  const [head, ...rest] = path;
  if (head === 'status') return r.status;
  if (head === 'headers') return r.headers[(rest[0] ?? '').toLowerCase()];
  if (head === 'body') return r.body ?? (r.json !== undefined ? JSON.stringify(r.json) : '');
  let v: unknown = r.json;
  for (const key of rest) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function renderOutput(template: string, ctx: BindContext): unknown {
  const segs = parseTemplate(template);
  if (segs.length === 1 && segs[0]!.kind !== 'text' && segs[0]!.kind !== 'secret') {
    const only = segs[0]!;
    return only.kind === 'input' ? ctx.input(only.name) : ctx.step(only.step, only.path);
  }
  return segs.map((s) => (s.kind === 'text' ? s.text : s.kind === 'input' ? asText(ctx.input(s.name)) : s.kind === 'step' ? asText(ctx.step(s.step, s.path)) : '')).join('');
}

export async function runTask(broker: Broker, principal: Principal, task: Task, rawInputs: unknown): Promise<TaskResult> {
  const started = performance.now();
  // Before anything echoes an input back (a schema error could): guessed secret material trips the wire.
  await broker.screenInput(principal, rawInputs);
  const inputs = validateInputs(task, rawInputs);
  const results = new Map<string, HttpResult>();
  const ctx: BindContext = {
    input: (name) => inputs[name],
    step: (step, path) => stepValue(results, step, path),
  };
  const steps: StepOutcome[] = [];
  let failedStep: string | undefined;
  let last: HttpResult | undefined;
  try {
    for (const step of task.steps) {
      const request = bindStep(step, ctx);
      // A task run is one exchange: every step's secrets count as placed in each answer (promise 4a).
      const result = await broker.httpRequest(principal, request, { inject: step.secretName ? [step.secretName] : [], task: task.name, exchange: task.secrets });
      results.set(step.name, result);
      last = result;
      steps.push({ name: step.name, method: step.method, status: result.status, durationMs: result.durationMs, redacted: result.redacted, truncated: result.truncated });
      if (result.status >= 400) {
        failedStep = step.name;
        break;
      }
    }
  } catch (err) {
    await broker.record({ action: 'task.run', principal: principal.id, env: principal.env, task: task.name, secrets: task.secrets, outcome: 'error', reason: (err as BlindfoldError).code ?? 'INTERNAL' });
    throw err;
  }
  let output: unknown;
  if (steps.length > 0 && [...results.values()].some((r) => r.withheld)) {
    // An answer withheld in part or whole (a piece of a value, a scan limit): so is the task's output.
    output = WITHHELD_NOTICE;
  } else if (failedStep || task.output === undefined) {
    output = last ? (last.json !== undefined ? last.json : (last.body ?? null)) : null;
  } else if (typeof task.output === 'string') {
    output = renderOutput(task.output, ctx);
  } else {
    output = Object.fromEntries(Object.entries(task.output).map(([k, t]) => [k, renderOutput(t, ctx)]));
  }
  // Pieces of redacted responses could be joined into a value again: the whole output is scanned once more.
  output = broker.redactValue(principal, output, task.secrets, task.name);
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  await broker.record({
    action: 'task.run',
    principal: principal.id,
    env: principal.env,
    task: task.name,
    secrets: task.secrets,
    outcome: failedStep ? 'error' : 'ok',
    ...(failedStep ? { reason: `step ${failedStep} answered ${last?.status}` } : {}),
    durationMs,
  });
  return { task: task.name, ok: !failedStep, output, steps, ...(failedStep ? { failedStep } : {}), durationMs };
}
