// After `tsc`: the CLI entry is replaced by a bundle of itself (issue 11, cold start). Unbundled,
// `blindfold serve` resolves, reads and compiles some 400 modules (zod alone is 150 files, 64 of
// them locales nothing uses) before it can answer `tools/list`; bundled, each command's code is one
// file (chunks/ holds what commands share) that esbuild has already tree-shaken. The rest of dist/
// stays tsc's output, file by file: the library entry and its types are imported from there.
import { chmodSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeServeCodeCache } from './serve-code-cache.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

/** src/version.ts reads package.json next to dist/ at run time; a bundle one folder deeper is told it. */
const versionInlined = {
  name: 'version-inlined',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => ({ contents: `export const VERSION = ${JSON.stringify(version)};`, loader: 'ts' }));
  },
};

/**
 * zod's `z` namespace re-exports all 64 of its message locales (half its bundled size, some 370 kB
 * that `serve` compiles before tools/list); Blindfold only ever uses the default, English, which
 * zod registers itself. `z.locales` keeps `en` alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

rmSync(`${root}/dist/cli/chunks`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Like tsc's maps in the rest of dist/: they point at the sources rather than carry them.
  sourcesContent: false,
  // pino starts its transports (pino-pretty on a terminal) in worker threads loaded by file path
  // from its own folder, so it stays a package resolved at run time.
  external: ['pino', 'pino-pretty'],
  // Bundled CommonJS packages (undici, ajv, yaml...) call require() for Node's own modules.
  banner: { js: "import { createRequire as __blindfoldRequire } from 'node:module'; const require = __blindfoldRequire(import.meta.url);" },
  plugins: [versionInlined, zodEnglishOnly],
  logLevel: 'warning',
});

// `serve` alone, as one CommonJS script that src/cli/serve-loader.ts compiles with V8's code cache
// (Node 20 caches no ES module's compilation). undici stays out of it, loaded by the first request
// from the chunk the CLI bundle above already made of it (an ES module exporting undici as its
// default, as src/egress/undici.ts expects): one copy of undici in the package, not two.
const undiciChunks = readdirSync(`${root}/dist/cli/chunks`).filter((f) => /^undici-[A-Z0-9]+\.js$/.test(f));
if (undiciChunks.length !== 1) throw new Error(`postbuild: expected one undici chunk in dist/cli/chunks, found ${undiciChunks.length}`);
const undiciChunk = `./chunks/${undiciChunks[0]}`;
const undiciApart = {
  name: 'undici-apart',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: undiciChunk, external: true }));
  },
};
await build({
  absWorkingDir: root,
  entryPoints: { serve: 'src/cli/commands/serve.ts' },
  outdir: 'dist/cli',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  sourcesContent: false,
  // pino is in it (loading it from its package cost some 20 ms of every start); the files its
  // transport threads run stay in its package, found through pino's bundler hook (serve-loader.ts).
  external: ['pino-pretty'],
  plugins: [versionInlined, zodEnglishOnly, undiciApart],
  logLevel: 'warning',
});
// A classic script compiled by vm has no import() of its own on Node 20 (not without
// --experimental-vm-modules): the one dynamic import, undici's, calls the loader's instead. Same
// length, so the source map still matches.
const serveBundle = `${root}/dist/cli/serve.cjs`;
const undiciImport = `import(${JSON.stringify(undiciChunk)})`;
const dynamicImports = readFileSync(serveBundle, 'utf8').split(undiciImport);
if (dynamicImports.length !== 2 || /\bimport\s*\(\s*["'`]/.test(dynamicImports.join(''))) {
  throw new Error(`postbuild: serve.cjs must have exactly one dynamic import, of ${undiciChunk} (see src/cli/serve-loader.ts)`);
}
writeFileSync(serveBundle, latin1Only(dynamicImports.join(undiciImport.replace('import', '__load'))));

/**
 * V8 keeps a script's source for as long as its functions live (the server's life), one byte per
 * character when every character is Latin-1 and two bytes otherwise: one arrow in a comment made
 * the 3 MB bundle 6 MB of heap (B6). esbuild escapes non-ASCII text in string literals already;
 * what is left is comments, where a character becomes '?' (same length: the map still matches),
 * and the admin page's templates (src/ui/), whose one tag, html, reads the cooked strings, where it
 * becomes its \u escape (the same string). Anything else stops the build to be looked at.
 */
function latin1Only(source) {
  return source.replace(/[^\u0000-\u00ff]/g, (char, at) => {
    const lineStart = source.lastIndexOf('\n', at) + 1;
    const line = source.slice(lineStart, source.indexOf('\n', at)).trimStart();
    if (/^(\/\/|\/\*|\*)/.test(line)) return '?';
    const module = /\n\/\/ (\S+)\n/g;
    let from;
    for (let m; (m = module.exec(source)) && m.index < lineStart; ) from = m[1];
    if (from?.startsWith('src/ui/')) return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    throw new Error(`postbuild: serve.cjs has a non-Latin-1 character outside a comment, in ${from ?? 'no module'}: escape it there`);
  });
}

// A dist/ built before undici was shared keeps no stale copy of it.
rmSync(`${root}/dist/cli/undici.mjs`, { force: true });
rmSync(`${root}/dist/cli/undici.mjs.map`, { force: true });

// The admin page's script and stylesheet (src/ui/assets.ts finds them beside the package's dist/):
// plain files, copied as they are — nothing is built or fetched at run time.
rmSync(`${root}/dist/ui/static`, { recursive: true, force: true });
cpSync(`${root}/src/ui/static`, `${root}/dist/ui/static`, { recursive: true });

// The CLI entry must be executable for `npm link` / `npx blindfold` / the tests that spawn it.
chmodSync(`${root}/dist/cli/main.js`, 0o755);

await writeServeCodeCache(`${root}/dist/cli/main.js`);
