// `npm start` (tools/start.mjs) in a fresh clone: there is no `prepare` script, so `npm ci` builds
// nothing and `npm start` must build dist/ first, when it is missing or older than src/, and
// then run the CLI in the same process with the arguments. Tried on a stand-in checkout whose
// `build` script writes a small dist/cli/main.js, so the real dist/ is never touched.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

let checkout: string;

beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), 'blindfold-start-'));
  mkdirSync(join(checkout, 'tools'));
  mkdirSync(join(checkout, 'src'));
  copyFileSync(join(REPO, 'tools/start.mjs'), join(checkout, 'tools/start.mjs'));
  writeFileSync(join(checkout, 'src/main.ts'), '// source\n');
  // The stand-in build counts its runs and writes a CLI that prints the arguments it was given.
  const build = [
    "const fs = require('node:fs');",
    "fs.mkdirSync('dist/cli', { recursive: true });",
    "fs.appendFileSync('builds.log', 'built\\n');",
    "fs.writeFileSync('dist/cli/main.js', 'process.stdout.write(JSON.stringify(process.argv.slice(2)));');",
  ].join(' ');
  const manifest = { name: 'start-trial', version: '1.0.0', private: true, type: 'module', scripts: { build: `node -e ${JSON.stringify(build)}` } };
  writeFileSync(join(checkout, 'package.json'), JSON.stringify(manifest));
  // Older than everything the first build writes.
  const past = new Date(Date.now() - 60_000);
  for (const file of ['package.json', 'src/main.ts', 'src']) utimesSync(join(checkout, file), past, past);
});
afterAll(() => rmSync(checkout, { recursive: true, force: true }));

function start(...args: string[]) {
  const { npm_execpath: _npm, ...env } = process.env; // as a user's shell: npm found on PATH
  return spawnSync(process.execPath, ['tools/start.mjs', 'serve', ...args], { cwd: checkout, env, encoding: 'utf8', timeout: 120_000 });
}
const builds = () => readFileSync(join(checkout, 'builds.log'), 'utf8').split('\n').filter(Boolean).length;

it('builds dist/ when it is missing, then runs the CLI with the arguments; the build output goes to stderr', () => {
  const first = start('--env', 'staging');
  expect(first.status, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toEqual(['serve', '--env', 'staging']);
  expect(first.stderr).toContain('building dist/');
  expect(builds()).toBe(1);
});

it('does not build again while dist/ is newer than src/, and builds when a source changed', () => {
  const again = start();
  expect(again.status, again.stderr).toBe(0);
  expect(again.stderr).not.toContain('building');
  expect(builds()).toBe(1);

  const future = new Date(Date.now() + 60_000);
  utimesSync(join(checkout, 'src/main.ts'), future, future);
  const changed = start();
  expect(changed.status, changed.stderr).toBe(0);
  expect(JSON.parse(changed.stdout)).toEqual(['serve']);
  expect(builds()).toBe(2);
});
