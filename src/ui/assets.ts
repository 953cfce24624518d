/**
 * The page's two static files, read once at start from the folder the build copies beside the
 * code (tools/postbuild.mjs: src/ui/static → dist/ui/static), so nothing is fetched from a CDN and
 * nothing is built at run time. The CLI bundle lives in dist/cli, tsc's output in dist/ui, the
 * sources in src/ui: each finds the package root above it and looks in its own tree first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: string;
  type: string;
}

const FILES: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' };

export function loadAssets(from: string = thisFile()): Map<string, Asset> {
  const folder = staticFolder(from);
  return new Map(Object.entries(FILES).map(([name, type]) => [name, { body: readFileSync(join(folder, name), 'utf8'), type }]));
}

/**
 * This module's file: from `import.meta` as an ES module; in the team server's CommonJS bundle
 * (dist/cli/serve.cjs, where `import.meta` is empty) from the CommonJS wrapper's `__filename`.
 */
function thisFile(): string {
  const url = (import.meta as { url?: string }).url;
  return typeof url === 'string' ? fileURLToPath(url) : __filename;
}

function staticFolder(from: string): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('the admin page could not find its package folder');
    dir = up;
  }
  const inDist = /[\\/]dist[\\/]/.test(from);
  const candidates = inDist ? [join(dir, 'dist/ui/static'), join(dir, 'src/ui/static')] : [join(dir, 'src/ui/static'), join(dir, 'dist/ui/static')];
  const found = candidates.find((c) => existsSync(join(c, 'app.js')));
  if (!found) throw new Error('the admin page\'s static files are missing (dist/ui/static): rebuild with `npm run build`');
  return found;
}
