// Cold start (B4): `blindfold serve` runs dist/cli/serve.cjs compiled with the V8 code cache that
// the build made (src/cli/serve-loader.ts, tools/serve-code-cache.mjs). The cache must be one this
// Node accepts, and a cache is used only for the bundle it was made from: V8 itself checks no more
// than the source's length.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cachedDataFor, compileServeBundle, SERVE_BUNDLE, SERVE_CODE_CACHE } from '../../dist/cli/serve-loader.js';

const bundle = readFileSync(SERVE_BUNDLE);
const cacheFile = readFileSync(SERVE_CODE_CACHE);

describe('the serve code cache', () => {
  it('was made from this bundle, and this Node accepts it', () => {
    expect(cacheFile.subarray(0, 32).equals(createHash('sha256').update(bundle).digest())).toBe(true);
    const cachedData = cachedDataFor(bundle, cacheFile);
    expect(cachedData?.length).toBeGreaterThan(100_000);
    expect(compileServeBundle(bundle, cachedData).cachedDataRejected).toBe(false);
  });

  it('is not used for another bundle of the same length', () => {
    const other = Buffer.from(bundle);
    other[other.length - 2] = other[other.length - 2]! ^ 1;
    expect(other.length).toBe(bundle.length);
    expect(cachedDataFor(other, cacheFile)).toBeUndefined();
  });

  it('is Latin-1 throughout, so that V8 keeps its source at one byte a character (B6)', () => {
    // One character past U+00FF anywhere (an arrow in a comment) and the whole 3 MB source is held
    // at two bytes a character for the server's life; tools/postbuild.mjs rewrites them.
    expect(bundle.toString('utf8').match(/[^\u0000-\u00ff]/g) ?? []).toEqual([]);
  });

  it('a cache V8 refuses leaves the bundle compiled from source, and it runs', () => {
    // A source this process has not compiled yet: V8 (Node 24's) answers a source it already holds
    // from its own in-memory cache and then never looks at the cached data given.
    const script = compileServeBundle(Buffer.concat([bundle, Buffer.from('\n')]), randomBytes(4096));
    expect(script.cachedDataRejected).toBe(true);
    expect(typeof script.runInThisContext()).toBe('function');
  });
});
