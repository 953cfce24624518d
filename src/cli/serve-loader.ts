/**
 * `blindfold serve` is one classic script (dist/cli/serve.cjs, bundled by tools/postbuild.mjs)
 * compiled with V8's code cache (issue 11, B4). Node 20 caches no ES module compilation, and
 * parsing and compiling the server stack (the MCP SDK, zod, libsodium) was the largest part of a
 * cold start; `vm.Script` takes the compiled code that `npm run build` saved from a start of its
 * own (serve.cjs.cache). V8 refuses a cache made by another V8 version or with other V8 flags, and
 * the script is then compiled from source as before: slower, never different.
 *
 * The cache holds compiled code of this fixed bundle only: no vault, key or value reaches it (the
 * build starts the server on a throwaway vault and checks that its value is nowhere in the cache).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { holdYoungGenerationForStart, releaseYoungGeneration } from './start-memory.js';

type ServeAction = (...args: unknown[]) => Promise<void>;

/** The bundle sits next to the CLI entry: dist/cli/main.js, or tsc's dist/cli/serve-loader.js. */
export const SERVE_BUNDLE = fileURLToPath(new URL('./serve.cjs', import.meta.url));
export const SERVE_CODE_CACHE = `${SERVE_BUNDLE}.cache`;

/**
 * Set by the build (tools/serve-code-cache.mjs) on the one start whose compiled code it keeps: the
 * cache is written when that process exits, so it holds every function the start ran.
 */
export const WRITE_CODE_CACHE_ENV = 'BLINDFOLD_BUILD_SERVE_CODE_CACHE';

/**
 * CommonJS's own wrapper, plus `__load`: the bundle's import() of undici, rewritten by the build
 * (Node 20 runs a vm script's own import() only with --experimental-vm-modules), is made here.
 */
const WRAP_START = '(function (exports, require, module, __filename, __dirname, __load) {';
const WRAP_END = '\n})';
const wrap = (source: string) => `${WRAP_START}${source}${WRAP_END}`;

/**
 * V8 checks a cache against the source's length, not its content: a cache left from another
 * build of a bundle of the same length would run that build's code. The cache file therefore
 * starts with the SHA-256 of the bundle it was made from, and is used only for that bundle.
 */
const DIGEST_BYTES = 32;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

/** The V8 data of a cache file, if the file was made from this bundle. */
export function cachedDataFor(bundle: Buffer, cacheFile: Buffer): Buffer | undefined {
  return cacheFile.subarray(0, DIGEST_BYTES).equals(sha256(bundle)) ? cacheFile.subarray(DIGEST_BYTES) : undefined;
}

function readCodeCache(bundle: Buffer): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(SERVE_CODE_CACHE);
  } catch {
    return undefined; // no cache (a build that made none): compiled from source
  }
  return cachedDataFor(bundle, file);
}

/** Compiles the bundle, with V8's code cache when one is given and accepted (`cachedDataRejected` says). */
export function compileServeBundle(bundle: Buffer, cachedData: Buffer | undefined): vm.Script {
  return compileSource(wrap(bundle.toString('utf8')), cachedData);
}

function compileSource(source: string, cachedData: Buffer | undefined): vm.Script {
  return new vm.Script(source, { filename: SERVE_BUNDLE, ...(cachedData ? { cachedData } : {}) });
}

/**
 * The bundle's bytes read between the wrapper's, so that the source V8 keeps is the one string
 * decoded from them: wrapping the decoded bundle in a template string made V8 flatten a second
 * 3 MB copy when compiling, garbage that only a full GC frees, and an idle server runs none for
 * many seconds (B6). `bundle` is the file's own bytes, for the code cache's digest.
 */
function readWrappedBundle(): { wrapped: Buffer; bundle: Buffer } {
  const start = Buffer.from(WRAP_START);
  const end = Buffer.from(WRAP_END);
  const fd = openSync(SERVE_BUNDLE, 'r');
  try {
    const size = fstatSync(fd).size;
    const wrapped = Buffer.allocUnsafeSlow(start.length + size + end.length);
    start.copy(wrapped, 0);
    let read = 0;
    for (let n; read < size && (n = readSync(fd, wrapped, start.length + read, size - read, read)) > 0; ) read += n;
    if (read !== size) throw new Error(`${SERVE_BUNDLE} changed while it was read`);
    end.copy(wrapped, start.length + size);
    return { wrapped, bundle: wrapped.subarray(start.length, start.length + size) };
  } finally {
    closeSync(fd);
  }
}

/** Runs the bundle and hands back its `serveAction` (src/cli/commands/serve.ts). */
export async function loadServeAction(): Promise<ServeAction> {
  const script = compileServe();
  // Until the server has started (the action calls settleStart): B6, start-memory.ts.
  holdYoungGenerationForStart();
  const requireHere = createRequire(SERVE_BUNDLE);
  pointPinoAtItsWorkerFiles(requireHere);
  const body = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as { serveAction?: ServeAction } };
  const bundleUrl = pathToFileURL(SERVE_BUNDLE);
  const load = (specifier: string) => import(new URL(specifier, bundleUrl).href);
  body.call(module.exports, module.exports, requireHere, module, SERVE_BUNDLE, dirname(SERVE_BUNDLE), load);
  if (typeof module.exports.serveAction !== 'function') throw new Error(`${SERVE_BUNDLE} has no serveAction`);
  return module.exports.serveAction;
}

/**
 * Reads and compiles the bundle. Apart from loadServeAction so that the file's bytes (3 MB) are
 * garbage once compiled: a variable of loadServeAction that a closure used would be kept as long
 * as `__load`, i.e. for the life of the server (B6).
 */
function compileServe(): vm.Script {
  const { wrapped, bundle } = readWrappedBundle();
  const script = compileSource(wrapped.toString('utf8'), readCodeCache(bundle));
  if (process.env[WRITE_CODE_CACHE_ENV] === '1') writeCodeCacheOnExit(script, sha256(bundle));
  return script;
}

function writeCodeCacheOnExit(script: vm.Script, digest: Buffer): void {
  process.once('exit', () => {
    // Only the build sets this; anywhere else (a read-only install) failing to write changes nothing,
    // and the build finds the file missing and fails on its own.
    try {
      releaseYoungGeneration(); // the flags a server has when it reads the cache
      writeFileSync(SERVE_CODE_CACHE, Buffer.concat([digest, script.createCachedData()]));
    } catch {
      // ignored: see above
    }
  });
}

/**
 * pino is bundled, but a transport (pino-pretty when stderr is a terminal) runs in threads started
 * from files of pino's own package, which a bundle has not got next to it: `__bundlerPathsOverrides`
 * is pino's and thread-stream's documented hook for bundles. Resolved only when a transport starts.
 */
function pointPinoAtItsWorkerFiles(requireHere: NodeJS.Require): void {
  if (Object.hasOwn(globalThis, '__bundlerPathsOverrides')) return;
  const pinoRequire = () => createRequire(requireHere.resolve('pino'));
  const overrides = Object.defineProperties({}, {
    'pino-worker': { enumerable: true, get: () => pinoRequire().resolve('./lib/worker.js') },
    'thread-stream-worker': { enumerable: true, get: () => pinoRequire().resolve('thread-stream/lib/worker.js') },
  });
  Object.defineProperty(globalThis, '__bundlerPathsOverrides', { value: overrides, configurable: true, writable: true });
}
