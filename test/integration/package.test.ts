// The npm name `blindfold` belongs to an unrelated package: ours publishes as `blindfold-mcp` with
// the command `blindfold`, and the README never tells a user outside the checkout to `npx blindfold`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

describe('package identity', () => {
  it('publishes as blindfold-mcp with the bin blindfold', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
    expect(pkg.name).toBe('blindfold-mcp');
    expect(Object.keys(pkg.bin)).toEqual(['blindfold']);
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { name: string };
    expect(lock.name).toBe('blindfold-mcp');
  });

  it('README: every npx outside the checkout names blindfold-mcp', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    // `npx blindfold` is right only inside the checkout, where npm resolves the project's own bin;
    // those lines say so. Any other `npx blindfold` would run someone else's package.
    const offending = readme
      .split('\n')
      .filter((line) => /npx (-y )?blindfold(?!-mcp)\b/.test(line))
      .filter((line) => !/checkout|unrelated package|^npx blindfold (init|set|list)\b|^printenv .*\| npx blindfold set\b/.test(line));
    expect(offending).toEqual([]);
    expect(readme).toContain('npx blindfold-mcp');
  });
});

// tools/package-trial.mjs: `npm pack`, `npm install` of the tarball into an empty project, then
// `npx blindfold --version`, `init`, `set` (stdin), `list` and `serve` → tools/list and one
// http_request through the MCP SDK client. On Node 20 here; .ci/run runs test/integration again
// on Node 24. It fails on an EBADENGINE warning and on a tarball with source maps, sources, tests,
// tsc's CLI files, a second undici or a `prepare` script.
describe('the packed tarball, installed into an empty project', () => {
  it('installs without engine warnings and its CLI and server work through npx', () => {
    const trial = spawnSync(process.execPath, [join(REPO, 'tools/package-trial.mjs')], { cwd: REPO, encoding: 'utf8', timeout: 400_000 });
    expect(trial.status, `${trial.stdout}${trial.stderr}`).toBe(0);
    const summary = JSON.parse(trial.stdout) as { files: number; version: string; tools: string[]; httpRequest: string };
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> };
    expect(summary.version).toBe(pkg.version);
    expect(summary.tools).toEqual(expect.arrayContaining(['list_secrets', 'http_request']));
    expect(summary.httpRequest).toBe('sent and redacted');
    expect(trial.stderr).toContain('npx blindfold init');
    expect(`${trial.stdout}${trial.stderr}`).not.toMatch(/sk_live_/);
    // No `prepare` in the checkout either: package.json is what the tarball ships.
    expect(pkg.scripts.prepare).toBeUndefined();
  }, 420_000);
});
