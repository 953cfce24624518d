// The layout rules of SPEC §12 that a change can break without any behaviour changing: no source
// file over 300 lines, no import cycle, core modules import nothing of the doors (MCP, CLI,
// plugins), the redactor imports nothing of the vault (it reads fingerprints through an
// interface), and the policy state touches no file but through the store seam. Read from the
// source files themselves.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');
const files: string[] = [];
const walk = (dir: string) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts')) files.push(path);
  }
};
walk(SRC);
const rel = (f: string) => relative(SRC, f);
/** Relative imports and re-exports of each file (type-only ones too: a cycle of types is still a knot). */
const imports = new Map(
  files.map((f) => {
    const text = readFileSync(f, 'utf8');
    const deps = [...text.matchAll(/^(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/gm)].map((m) => resolve(dirname(f), m[1]!.replace(/\.js$/, '.ts')));
    return [f, deps.filter((d) => files.includes(d))];
  }),
);

describe('the house (SPEC §12)', () => {
  it('no source file is over 300 lines', () => {
    const long = files.filter((f) => readFileSync(f, 'utf8').split('\n').length > 301).map(rel);
    expect(long).toEqual([]);
  });

  it('no import cycle', () => {
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (f: string) => {
      state.set(f, 1);
      stack.push(f);
      for (const d of imports.get(f) ?? []) {
        if (state.get(d) === 1) cycles.push(stack.slice(stack.indexOf(d)).map(rel).join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('core modules import nothing of the doors, and the redactor nothing of the vault', () => {
    const core = ['vault', 'redact', 'policy', 'audit', 'store', 'egress', 'template'];
    const doors = ['mcp', 'cli', 'plugins'];
    const wrong: string[] = [];
    for (const [f, deps] of imports) {
      const area = rel(f).split('/')[0]!;
      for (const d of deps) {
        const to = rel(d).split('/')[0]!;
        if (core.includes(area) && doors.includes(to)) wrong.push(`${rel(f)} → ${rel(d)}`);
        if (area === 'redact' && to === 'vault') wrong.push(`${rel(f)} → ${rel(d)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the policy state (suspensions, allowance, quarantine) reaches the disk only through the store seam', () => {
    // Issue 19 item 2: src/policy keeps its state in cells the home's state hands out (src/store);
    // it neither opens files nor names a path of the home.
    const touching = files
      .filter((f) => rel(f).startsWith('policy/'))
      .filter((f) => /from 'node:fs(\/promises)?'|from 'proper-lockfile'|paths\.(suspensions|allowance|quarantine)/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(touching).toEqual([]);
  });

  it('no module outside src/store opens a file of the home: the rest reach it through the store object', () => {
    // Issue 19 item 2. Allowed besides src/store: what the issue leaves outside the seam (the tasks
    // folder, the key file, the settings file), the CLI's reads of files the user names (.env, stdin)
    // and the server's own compiled bundle (serve-loader.ts); `doctor`'s look at the home folder's and
    // the key file's existence and mode, and at the MCP clients' own config files (issue 20 item 4); exec's look-up of its command on PATH (exec-path.ts); the admin page's own script and
    // stylesheet, read from the package (ui/assets.ts).
    const allowed = ['tasks/loader.ts', 'tasks/registry.ts', 'vault/keyring.ts', 'vault/keys.ts', 'vault/key-file-rotation.ts', 'settings.ts', 'cli/io.ts', 'cli/serve-loader.ts', 'cli/commands/import.ts', 'cli/doctor-setup.ts', 'cli/doctor-clients.ts', 'cli/exec-path.ts', 'ui/assets.ts'];
    const touching = files
      .filter((f) => !rel(f).startsWith('store/') && !allowed.includes(rel(f)))
      .filter((f) => /from 'node:fs(\/promises)?'|from 'proper-lockfile'/.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(touching).toEqual([]);
  });
});
