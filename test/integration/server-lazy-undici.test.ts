// Cold start (B4): `blindfold serve` answers initialize, tools/list and list_secrets without the
// HTTP client; undici is loaded by the first http_request. A module-loader hook reports every
// module whose address or code names undici, whether dist/ is the bundle or tsc's output.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio } from '../helpers/mcp.js';
import { seedSecret } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';

const HOOKS = `
export async function load(url, context, next) {
  const result = await next(url, context);
  const code = result.source == null ? '' : typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8');
  if (url.includes('undici') || code.includes('node_modules/undici')) process.stderr.write('LOADED undici\\n');
  return result;
}`;

let t: TempHome;
let stub: Stub;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  t = tempHome();
  stub = await startStub();
  await seedSecret(t.env, 'LAZY_KEY', 'lazy-undici-value-0123456789', '--host', stub.origin);
  const hooks = join(t.home, '..', 'hooks.mjs');
  const register = join(t.home, '..', 'register.mjs');
  writeFileSync(hooks, HOOKS);
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  env = { ...t.env, NODE_OPTIONS: `--import=${pathToFileURL(register).href}` };
});

afterAll(async () => {
  await stub?.close();
  t?.cleanup();
});

describe('the server loads undici on the first request', () => {
  it('not at start nor for list_secrets; then the first http_request loads it and succeeds', async () => {
    const session = await connectStdio(env);
    try {
      await session.client.listTools();
      const listed = await session.call('list_secrets', {});
      expect(listed.isError).toBeFalsy();
      expect(session.stderr()).not.toContain('LOADED undici');
      const r = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.LAZY_KEY>' } });
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
      expect(session.stderr()).toContain('LOADED undici');
    } finally {
      await session.close();
    }
  });
});
