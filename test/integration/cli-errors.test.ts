// Promise 1 for the CLI itself: no error (or other output) repeats user input that may hold a
// value. Every command and subcommand (discovered from `--help`, so new ones are covered without
// editing this file) is run with a value-looking input in every argument position, and stdout +
// stderr are searched for the random part.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempHome, type RunResult, type TempHome } from '../helpers/cli.js';
import { seedVault } from '../helpers/inprocess.js';

const SECRET = 'rand' + randomBytes(9).toString('hex');
const VALUE_ARG = `API_KEY=sk-live-${SECRET}`;
const VALUE_FLAG = `--token=sk-live-${SECRET}`;

// Global options whose values are paths the tool uses and reports by design (where the vault or
// the trail is): not places a value is typed by habit, and giving them one would create folders.
const PATH_OPTIONS = new Set(['--home', '--vault', '--audit', '--tasks', '--help', '--version']);

// The few commands that need more than their positionals to get past parsing.
const BASE_OPTIONS: Record<string, string[]> = { exec: ['-s', 'K'], rollback: ['--to', '1'] };
const FILLER: Record<string, string[]> = { name: ['K'], task: ['t'], file: ['missing.env'], command: ['true'] };

let t: TempHome;
let cwd: string;

/** Runs the CLI in a scratch folder (anything it creates from a bad argument lands there). */
function run(args: string[], input = ''): Promise<RunResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: t.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // a command that exits before reading its input closes the pipe (EPIPE)
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000); // `serve` waits on stdin
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

/** Runs jobs with at most `limit` in flight (the machine is shared). */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

interface CommandShape {
  path: string[];
  positionals: string[];
  /** Optional positionals are left empty except when they are the one under test. */
  required: boolean[];
  valueOptions: string[];
}

/** Reads a command's `--help`: its positionals, options taking a value, and subcommands. */
function parseHelp(path: string[], help: string): { shape: CommandShape; subcommands: string[] } {
  const usage = /^Usage: \S+(.*)$/m.exec(help)?.[1] ?? '';
  const args = [...usage.matchAll(/([<[])([a-z-]+)(?:\.\.\.)?[>\]]/g)].filter((m) => m[2] !== 'options');
  const positionals = args.map((m) => m[2]!);
  const required = args.map((m) => m[1] === '<');
  const valueOptions = [...help.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+) [<[]/gm)].map((m) => m[1]!).filter((o) => !PATH_OPTIONS.has(o));
  const commands = help.split(/^Commands:$/m)[1] ?? '';
  const subcommands = [...commands.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  // A command group's `[command]` is its subcommand, covered by visiting the subcommands.
  const keep = positionals.map((p) => !(subcommands.length && p === 'command'));
  const shape = { path, positionals: positionals.filter((_, i) => keep[i]), required: required.filter((_, i) => keep[i]), valueOptions };
  return { shape, subcommands };
}

async function discover(): Promise<CommandShape[]> {
  const shapes: CommandShape[] = [];
  const queue: string[][] = [[]];
  while (queue.length) {
    const batch = queue.splice(0);
    const helps = await pool(batch, 4, (p) => run([...p, '--help']));
    batch.forEach((p, i) => {
      const { shape, subcommands } = parseHelp(p, helps[i]!.stdout);
      if (p.length > 0) shapes.push(shape);
      for (const s of subcommands) queue.push([...p, s]);
    });
  }
  return shapes;
}

function casesFor(shape: CommandShape): string[][] {
  const base = BASE_OPTIONS[shape.path.at(-1)!] ?? [];
  const fill = (i: number, v?: string) => shape.positionals.flatMap((p, j) => (j === i ? [v!] : shape.required[j] ? (FILLER[p] ?? ['x']) : []));
  const cases: string[][] = [];
  // One value form per position keeps the matrix near 80 runs; `NAME=value` is both the habit
  // the issue is about and a string no name, number, path or option rule accepts.
  shape.positionals.forEach((_, i) => cases.push([...shape.path, ...base, '--', ...fill(i, VALUE_ARG)]));
  cases.push([...shape.path, ...base, ...fill(-1), VALUE_ARG]); // one positional too many
  for (const opt of shape.valueOptions) {
    const rest = opt === '--secret' ? [] : base;
    cases.push([...shape.path, ...rest, opt, VALUE_ARG, ...fill(-1)]);
  }
  cases.push([...shape.path, ...base, VALUE_FLAG, ...fill(-1)]);
  return cases;
}

beforeAll(async () => {
  t = tempHome();
  cwd = mkdtempSync(join(tmpdir(), 'blindfold-cwd-'));
  await seedVault(t.env, [{ name: 'K', value: 'a-harmless-test-value-1234', hosts: ['api.example.com'] }]);
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(join(t.home, 'tasks', 't.yaml'), 'name: t\ndescription: test\nsteps: [}\n');
});
afterAll(() => {
  t?.cleanup();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('no CLI output repeats a value-looking argument', () => {
  it('in any position of any command', async () => {
    const shapes = await discover();
    const names = shapes.map((s) => s.path.join(' '));
    for (const c of ['init', 'set', 'list', 'show', 'rm', 'history', 'rollback', 'import', 'rotate-key', 'check', 'presets', 'serve', 'run', 'tasks list', 'tasks check', 'exec', 'audit', 'audit verify', 'suspended', 'clear']) {
      expect(names).toContain(c);
    }
    const cases = [[VALUE_ARG], [VALUE_FLAG], ['help', VALUE_ARG], ...shapes.flatMap(casesFor)];
    const results = await pool(cases, 4, (args) => run(args, 'a-piped-test-value-5678'));
    const leaks = cases.filter((_, i) => `${results[i]!.stdout}${results[i]!.stderr}`.includes(SECRET)).map((c) => c.join(' '));
    expect(leaks).toEqual([]);
    expect(cases.length).toBeGreaterThan(60);
  }, 120_000);

  it('names a plain unknown option, but not one that carries a value', async () => {
    const [plain, valued, onSet, valuedOnSet] = await Promise.all([
      run(['list', '--frobnicate']),
      run(['list', VALUE_FLAG]),
      run(['set', 'K', '--frobnicate']),
      run(['set', 'K', VALUE_FLAG]),
    ]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("unknown option '--frobnicate'");
    expect(onSet.code).toBe(2);
    expect(onSet.stderr).toContain('--frobnicate');
    for (const r of [valued, valuedOnSet]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown option/);
      expect(r.stderr).not.toContain(SECRET);
    }
  });

  it('says what is wrong with a bad name without repeating it', async () => {
    const r = await run(['set', VALUE_ARG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid secret name/);
    expect(r.stderr).toMatch(/=/); // the hint about NAME=value
    expect(r.stderr).not.toContain(SECRET);
    const ok = await run(['show', 'NOPE_NOT_HERE']);
    expect(ok.stderr).toContain('NOPE_NOT_HERE'); // a well-formed name is still quoted
  });
});
