// Cold start (issue 11): `blindfold --help` and usage errors load commander and the command
// declarations only; the vault's crypto, the MCP SDK and the HTTP client are loaded by the command
// that uses them. A module-loader hook reports every module whose address or code names one of
// them, whether dist/cli/main.js is the bundle or tsc's file-per-module output.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';

const HEAVY = ['libsodium', '@modelcontextprotocol', 'undici'];

const HOOKS = `
const heavy = ${JSON.stringify(HEAVY)};
export async function load(url, context, next) {
  const result = await next(url, context);
  const code = result.source == null ? '' : typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8');
  for (const name of heavy) if (url.includes(name) || code.includes('node_modules/' + name)) process.stderr.write('LOADED ' + name + '\\n');
  return result;
}`;

let t: TempHome;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  t = tempHome();
  const hooks = join(t.home, '..', 'hooks.mjs');
  const register = join(t.home, '..', 'register.mjs');
  writeFileSync(hooks, HOOKS);
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  env = { ...t.env, NODE_OPTIONS: `--import=${pathToFileURL(register).href}` };
});

afterAll(() => t?.cleanup());

const loaded = (stderr: string) => [...new Set(stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7)))].sort();

describe('what a command loads', () => {
  it('--help, a subcommand --help and a usage error load none of the heavy modules', () => {
    for (const args of [['--help'], ['serve', '--help'], ['set', '--help']]) {
      const r = runCli(args, { env });
      expect(r.stdout).toContain('Usage: blindfold');
      expect(loaded(r.stderr), args.join(' ')).toEqual([]);
    }
    const usage = runCli(['no-such-command'], { env });
    expect(usage.code).toBe(2);
    expect(loaded(usage.stderr)).toEqual([]);
  });

  it('a command that opens the vault loads the crypto (the hook sees what it looks for)', () => {
    const r = runCli(['init'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(loaded(r.stderr)).toContain('libsodium');
  });
});
