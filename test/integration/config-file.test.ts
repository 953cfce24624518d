// The config file ($XDG_CONFIG_HOME/blindfold/config.json) names the home, the environment and the
// stdio principal, below flags and environment variables and above the defaults; an MCP client
// that passes no environment finds the right home through it; a bad file is an exit-2 error naming
// the file and the key, never a value. And the client entry `serve` prints starts the Node that ran it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio } from '../helpers/mcp.js';

const VALUE = 'sk_live_Q7vX2mKp9RtL4wNz8BcYd3Fh';

let t: TempHome;
let root: string;
let xdg: string;
beforeEach(() => {
  t = tempHome();
  root = t.env.HOME!;
  xdg = join(root, 'xdg');
  t.env.XDG_CONFIG_HOME = xdg;
});
afterEach(() => t.cleanup());

function writeConfig(content: unknown): string {
  mkdirSync(join(xdg, 'blindfold'), { recursive: true });
  const path = join(xdg, 'blindfold', 'config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The environment of a shell that set nothing but what is given. */
function envWith(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...t.env, ...extra };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

function initHome(env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = runCli([...args, 'init', '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { home: string }).home;
}

describe('config file precedence', () => {
  it('home: flag beats environment variable beats config file beats default', () => {
    writeConfig({ home: join(root, 'from-config') });
    expect(initHome(envWith({ BLINDFOLD_HOME: undefined }))).toBe(join(root, 'from-config'));
    expect(initHome(envWith({ BLINDFOLD_HOME: join(root, 'from-env') }))).toBe(join(root, 'from-env'));
    expect(initHome(envWith({ BLINDFOLD_HOME: join(root, 'from-env') }), '--home', join(root, 'from-flag'))).toBe(join(root, 'from-flag'));
    writeConfig({});
    expect(initHome(envWith({ BLINDFOLD_HOME: undefined }))).toBe(join(root, '.blindfold'));
  });

  it('home: "~/" in the file is the user\'s home folder', () => {
    writeConfig({ home: '~/vaults/work' });
    expect(initHome(envWith({ BLINDFOLD_HOME: undefined }))).toBe(join(root, 'vaults', 'work'));
  });

  it('environment: --env beats BLINDFOLD_ENV beats the config file beats development', () => {
    writeConfig({ environment: 'staging' });
    runCli(['init'], { env: t.env });
    const set = (env: NodeJS.ProcessEnv, name: string, ...flags: string[]) => {
      const r = runCli(['set', name, '--host', 'api.example.com', ...flags], { env, input: VALUE });
      expect(r.code, r.stderr).toBe(0);
      const shown = runCli(['show', name, '--json'], { env });
      return (JSON.parse(shown.stdout) as { secret: { environments: string[] } }).secret.environments;
    };
    expect(set(t.env, 'FROM_CONFIG')).toEqual(['staging']);
    expect(set(envWith({ BLINDFOLD_ENV: 'qa' }), 'FROM_ENV')).toEqual(['qa']);
    expect(set(envWith({ BLINDFOLD_ENV: 'qa' }), 'FROM_FLAG', '--env', 'production')).toEqual(['production']);
    writeConfig({});
    expect(set(t.env, 'FROM_DEFAULT')).toEqual(['development']);
  });

  it('an MCP client that passes no environment finds the home, environment and principal of the config file', async () => {
    const home = join(root, 'team-vault');
    writeConfig({ home, environment: 'staging', principal: 'desk' });
    const env = envWith({ BLINDFOLD_HOME: undefined });
    runCli(['init'], { env });
    expect(runCli(['set', 'CONFIGURED_KEY', '--host', 'api.example.com'], { env, input: VALUE }).code).toBe(0);

    // What Claude Desktop does: start the entry with only PATH and HOME (XDG_CONFIG_HOME unset, so ~/.config).
    mkdirSync(join(root, '.config', 'blindfold'), { recursive: true });
    writeFileSync(join(root, '.config', 'blindfold', 'config.json'), JSON.stringify({ home, environment: 'staging', principal: 'desk' }));
    let stderr = '';
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve'], env: { PATH: process.env.PATH ?? '', HOME: root }, stderr: 'pipe' });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const client = new Client({ name: 'no-env-client', version: '1.0.0' });
    await client.connect(transport);
    const listed = await client.callTool({ name: 'list_secrets', arguments: {} });
    await client.close();
    expect(JSON.stringify(listed.structuredContent)).toContain('CONFIGURED_KEY');
    expect(stderr).toContain(`vault ${join(home, 'vault.json')} | environment staging`);
    expect(stderr).toContain('principal stdio:desk');
    expect(stderr).not.toContain(VALUE);
  });
});

describe('a bad config file', () => {
  for (const [label, content, named] of [
    ['a value where the environment goes', { environment: VALUE }, 'environment: lowercase letters'],
    ['a relative home', { home: 'relative/vault' }, 'home: an absolute path, or one starting with ~/'],
    ['a wrong type', { home: 42 }, 'home: Invalid input: expected string'],
    ['an unknown key that is a name', { homee: '/x' }, 'unknown key homee (known: home, environment, principal'],
    ['an unknown key that looks like a token', { [VALUE]: 'x' }, 'unknown key (not repeated here)'],
    ['a value in the principal', { principal: `${VALUE} x` }, 'principal: letters, digits'],
    ['text that is not JSON', `{"home": "${VALUE}`, 'is not valid JSON'],
  ] as const) {
    it(`${label}: exit 2, the file and the key named, the value never repeated`, () => {
      const path = writeConfig(content);
      // Even when a flag and a variable win, a broken file is never skipped.
      for (const args of [['list'], ['--home', join(root, 'elsewhere'), 'list']]) {
        const r = runCli(args, { env: t.env });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(`the settings file ${path} is not valid`);
        expect(r.stderr).toContain(named);
        expect(r.stdout + r.stderr).not.toContain(VALUE);
      }
    });
  }
});

describe('the client entry serve prints', () => {
  it('starts the absolute Node that ran serve and the absolute CLI script', async () => {
    runCli(['init'], { env: t.env });
    const session = await connectStdio(t.env);
    await session.client.listTools();
    const banner = session.stderr();
    await session.close();
    const entryLine = banner.split('\n').find((l) => l.includes('connect a client with this server entry'));
    const entry = JSON.parse(entryLine!.slice(entryLine!.indexOf('{'))) as { command: string; args: string[] };
    expect(entry.command).toBe(process.execPath);
    expect(entry.args[0]).toBe(resolve(CLI));
  });
});
