/**
 * Loads task files and checks everything that can be checked before an agent calls them: YAML and
 * schema, template syntax, inputs and steps referenced, secrets that exist, hosts they are bound
 * to, placements they allow, and names that would collide. A broken file is reported with its
 * file, line and reason; the other tasks still load.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { repeatable, repeatablePath } from '../echo.js';
import { BlindfoldError, describeError } from '../errors.js';
import { authorizeSecrets, type SecretCatalog as PolicyCatalog } from '../policy/authorize.js';
import { parseTemplate } from '../template/parse.js';
import { parseRequest } from '../template/request.js';
import { bindStep, stepTemplates, type BindContext } from './bind.js';
import { shapeFor } from './input-schema.js';
import { yamlProblem, zodIssueText } from './problem-text.js';
import { normalizeSteps, taskFileSchema, type InputSchema, type TaskStep } from './schema.js';

/** Tools the server always has; a task may not shadow them. */
export const BUILT_IN_TOOLS = ['list_secrets', 'http_request', 'request_secret'];

export interface Task {
  name: string;
  title?: string;
  description: string;
  file: string;
  inputs: InputSchema | undefined;
  inputShape: Record<string, z.ZodType>;
  steps: TaskStep[];
  output: string | Record<string, string> | undefined;
  /** Every step is GET or HEAD. */
  readOnly: boolean;
  /** Secrets the task uses (secret_name and explicit expressions). */
  secrets: string[];
}

export interface TaskProblem {
  file: string;
  line?: number;
  message: string;
}

export interface TaskLoad {
  tasks: Task[];
  problems: TaskProblem[];
}

/** What the loader needs from the vault: enough to check names, hosts and placements. */
export interface SecretCatalog extends PolicyCatalog {
  /** Re-reads the store, so a secret added since start is seen (the vault has it). */
  refresh?(): Promise<void>;
}

class TaskFileError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
  ) {
    super(message);
  }
}

export function taskFilesIn(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((f) => /\.ya?ml$/i.test(f) && !f.startsWith('.'))
    .map((f) => join(folder, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

export function loadTaskFolder(folder: string, catalog: SecretCatalog): TaskLoad {
  const tasks: Task[] = [];
  const problems: TaskProblem[] = [];
  const seen = new Map<string, string>();
  for (const file of taskFilesIn(folder)) {
    const result = loadTaskFile(file, catalog);
    if ('problem' in result) {
      problems.push(result.problem);
      continue;
    }
    const { task } = result;
    const other = seen.get(task.name);
    if (other) {
      problems.push({ file, line: result.nameLine, message: `task name ${repeatable(task.name)} is already used by ${repeatablePath(basename(other))}` });
      continue;
    }
    seen.set(task.name, file);
    tasks.push(task);
  }
  return { tasks, problems };
}

export function loadTaskFile(file: string, catalog: SecretCatalog): { task: Task; nameLine?: number } | { problem: TaskProblem } {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: true });
  } catch (err) {
    return { problem: { file, message: `cannot read: ${describeError(err)}` } };
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let p = path; ; p = p.slice(0, -1)) {
      const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lines.linePos(range[0]).line;
      if (p.length === 0) return undefined;
    }
  };
  // The yaml library's messages quote the offending line: only its code and position are kept.
  if (doc.errors.length > 0) return { problem: { file, ...yamlProblem(doc.errors[0]!) } };
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    return { problem: { file, message: err instanceof Error && /alias/i.test(err.message) ? 'YAML: too many aliases expanded' : 'YAML: the document could not be read' } };
  }
  const parsed = taskFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    return { problem: { file, line: lineOf(path), message: zodIssueText(issue) } };
  }
  try {
    const task = checkTask(file, parsed.data, catalog);
    return { task, nameLine: lineOf(['name']) };
  } catch (err) {
    if (err instanceof TaskFileError) return { problem: { file, line: lineOf(err.path), message: err.message } };
    return { problem: { file, message: describeError(err) } };
  }
}

function checkTask(file: string, data: z.infer<typeof taskFileSchema>, catalog: SecretCatalog): Task {
  if (BUILT_IN_TOOLS.includes(data.name)) {
    throw new TaskFileError(`task name ${repeatable(data.name)} collides with the built-in tool of that name`, ['name']);
  }
  if (data.inputs && (data.inputs.type ?? 'object') !== 'object') {
    throw new TaskFileError('inputs must be an object schema (type: object, properties, required)', ['inputs']);
  }
  let inputShape: Record<string, z.ZodType>;
  try {
    inputShape = shapeFor(data.inputs);
  } catch (err) {
    throw new TaskFileError(`inputs: ${describeError(err)}`, ['inputs']);
  }
  for (const r of data.inputs?.required ?? []) {
    if (!data.inputs?.properties?.[r]) throw new TaskFileError(`required input ${repeatable(r)} is not declared in properties`, ['inputs', 'required']);
  }
  const declared = new Set(Object.keys(data.inputs?.properties ?? {}));
  const steps = normalizeSteps(data);
  const secrets = new Set<string>();
  const earlier = new Set<string>();

  for (const step of steps) {
    if (earlier.has(step.name)) throw new TaskFileError(`two steps are named ${repeatable(step.name)}`, [...step.path.slice(0, 2), 'name']);
    for (const { text, path } of stepTemplates(step)) checkReferences(text, path, declared, earlier);

    for (const name of authorizeStep(step, catalog)) secrets.add(name);
    earlier.add(step.name);
  }
  const outputs = typeof data.output === 'string' ? [data.output] : Object.values(data.output ?? {});
  for (const text of outputs) {
    checkReferences(text, ['output'], declared, earlier);
    if (parseTemplate(text).some((s) => s.kind === 'secret')) throw new TaskFileError('the output may not contain <secrets.*>', ['output']);
  }
  return {
    name: data.name,
    ...(data.title ? { title: data.title } : {}),
    description: data.description,
    file,
    inputs: data.inputs,
    inputShape,
    steps,
    output: data.output,
    readOnly: steps.every((s) => s.method === 'GET' || s.method === 'HEAD'),
    secrets: [...secrets],
  };
}

/**
 * The step bound with placeholder inputs, then put to the same authorization as every call: the
 * secrets exist, go only to hosts they are bound to, in placements they allow.
 */
function authorizeStep(step: TaskStep, catalog: SecretCatalog): string[] {
  const placeholder: BindContext = { input: () => 'x', step: () => 'x' };
  let request;
  try {
    request = parseRequest(bindStep(step, placeholder));
  } catch (err) {
    throw new TaskFileError(describeError(err), [...step.path, 'url']);
  }
  const injected = step.secretName ? [step.secretName] : [];
  try {
    return authorizeSecrets(catalog, undefined, { uses: request.uses, injected, target: request.target }).map((s) => s.name);
  } catch (err) {
    const name = err instanceof BlindfoldError ? err.details?.name : undefined;
    const at = step.secretName && (name === undefined || name === step.secretName) ? [...step.path.slice(0, 2), 'secret_name'] : [...step.path, 'url'];
    throw new TaskFileError(`step ${repeatable(step.name)}: ${describeError(err)}`, at);
  }
}

function checkReferences(text: string, path: (string | number)[], inputs: Set<string>, earlierSteps: Set<string>): void {
  let segments;
  try {
    segments = parseTemplate(text);
  } catch (err) {
    throw new TaskFileError(describeError(err), path);
  }
  for (const seg of segments) {
    if (seg.kind === 'input' && !inputs.has(seg.name)) throw new TaskFileError(`<inputs.${repeatable(seg.name)}> is not a declared input`, path);
    if (seg.kind === 'step' && !earlierSteps.has(seg.step)) {
      throw new TaskFileError(`<steps.${repeatable(seg.step)}...> does not name an earlier step`, path);
    }
  }
}

export function formatProblem(p: TaskProblem): string {
  return `${repeatablePath(p.file)}${p.line ? `:${p.line}` : ''}: ${p.message}`;
}

