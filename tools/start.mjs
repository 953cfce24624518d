// `npm start` in a checkout: builds dist/ when it is missing or older than what it is built from,
// then runs the CLI with the given arguments (package.json passes `serve`). There is no `prepare`
// script (an install of the published package must not try to build it), so a fresh clone's
// `npm ci && npm start` relies on this. stdout belongs to the MCP server: the build's output goes
// to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');

/** What `npm run build` reads: the sources, the build scripts and the compiler settings. */
const BUILD_INPUTS = ['src', 'tools/postbuild.mjs', 'tools/serve-code-cache.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

function buildIsStale() {
  if (!existsSync(cli)) return true;
  const built = statSync(cli).mtimeMs;
  return BUILD_INPUTS.some((input) => existsSync(join(root, input)) && newestChange(join(root, input)) > built);
}

if (buildIsStale()) {
  process.stderr.write('blindfold: building dist/ (npm run build) first\n');
  // npm sets npm_execpath for scripts; `npm` on PATH otherwise.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath, 'run', 'build']] : ['npm', ['run', 'build']];
  const build = spawnSync(npm[0], npm[1], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write('blindfold: error: the build failed (output above)\nblindfold: fix: run `npm ci` in the checkout, then `npm start` again\n');
    process.exit(build.status ?? 1);
  }
}

// Only `init` creates a vault: the quick start's `npm start` runs it first (a no-op on an existing
// vault), its output on stderr. Whatever it says, `serve` runs next and reports any problem to the
// client too (a sealed vault answers every call with VAULT_SEALED and the fix).
if (process.argv[2] === 'serve') spawnSync(process.execPath, [cli, 'init'], { stdio: ['ignore', 2, 2] });

// The CLI in this process, as `node dist/cli/main.js ARGS` would run it: no second process
// between the MCP client and the server's stdin/stdout.
process.argv = [process.argv[0], cli, ...process.argv.slice(2)];
await import(pathToFileURL(cli).href);
