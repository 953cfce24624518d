// The V8 code cache of `blindfold serve` (dist/cli/serve.cjs.cache, read by src/cli/serve-loader.ts),
// made by the build from a start of its own: a throwaway home with one secret, the server started
// as a client starts it, answered initialize and tools/list, then ended by closing its stdin. The
// loader writes the compiled code of every function that start ran when the process exits.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const WRITE_ENV = 'BLINDFOLD_BUILD_SERVE_CODE_CACHE'; // src/cli/serve-loader.ts WRITE_CODE_CACHE_ENV

/** initialize, then tools/list; resolves when the server has exited after stdin closed. */
function startOnce(cli, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let listed = false;
    let pending = '';
    const send = (message) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      pending += d;
      for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
        const answer = JSON.parse(pending.slice(0, i));
        pending = pending.slice(i + 1);
        if (answer.id === 1) {
          send({ method: 'notifications/initialized' });
          send({ id: 2, method: 'tools/list' });
        } else if (answer.id === 2) {
          listed = Array.isArray(answer.result?.tools) && answer.result.tools.length > 0;
          child.stdin.end();
        }
      }
    });
    child.once('error', reject);
    child.once('close', (code) => (listed && code === 0 ? resolve() : reject(new Error(`serve (code cache run) exited ${code}: ${stderr}`))));
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'build', version: '1' } } });
  });
}

export async function writeServeCodeCache(cli) {
  const cacheFile = join(dirname(cli), 'serve.cjs.cache');
  rmSync(cacheFile, { force: true }); // the run below compiles from source, not from an older cache
  const root = mkdtempSync(join(tmpdir(), 'blindfold-code-cache-'));
  try {
    const env = { PATH: process.env.PATH, HOME: root, BLINDFOLD_HOME: join(root, 'home'), BLINDFOLD_LOG_LEVEL: 'warn' };
    const value = `code-cache-canary-${randomBytes(16).toString('hex')}`;
    spawnSync(process.execPath, [cli, 'init'], { env, encoding: 'utf8' });
    const set = spawnSync(process.execPath, [cli, 'set', 'CODE_CACHE_CANARY', '--host', 'https://api.example.com'], { env, input: value, encoding: 'utf8' });
    if (set.status !== 0) throw new Error(`code cache: could not seed the throwaway vault: ${set.stderr}`);
    await startOnce(cli, { ...env, [WRITE_ENV]: '1' });
    const cache = readFileSync(cacheFile);
    // Compiled code only: a value that reached the cache (as text, UTF-16 or base64) fails the build.
    for (const form of [Buffer.from(value), Buffer.from(value, 'utf16le'), Buffer.from(Buffer.from(value).toString('base64'))]) {
      if (cache.includes(form)) throw new Error('code cache: the throwaway vault value is in the cache; not shipping it');
    }
  } catch (err) {
    rmSync(cacheFile, { force: true });
    throw err;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
