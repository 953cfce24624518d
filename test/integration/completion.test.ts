// `blindfold completion bash|zsh|fish` (issue 20 item 4): scripts generated from the program's own
// declarations. The bash script is checked by bash itself (syntax, then completing words as the
// shell would, secret names included via a `blindfold` on PATH); zsh and fish are checked by their
// shells only where installed.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { declareCommands } from '../../src/cli/definitions.js';

const VALUES = ['sk_live_Hq4Zw9Lt2Rx7Kp1Mc6Nv3Bd8', 'ghp_Wr6Tq1Zm8Lx3Kv9Pc4Nb2Hd7Ys5Gf0'];
let t: TempHome;
let bin: string;

/** The commands of the program as declared (names and aliases); with `nested`, their subcommands too. */
function commandNames(nested = false): string[] {
  const program = new Command();
  declareCommands(program);
  return program.commands.flatMap((c) => [c.name(), ...c.aliases(), ...(nested ? c.commands.map((s) => s.name()) : [])]);
}

function script(shell: string): string {
  const r = runCli(['completion', shell], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** What the bash completion function offers for these words (the last one being completed). */
function complete(words: string[]): string[] {
  const file = join(t.home, '..', 'completion.bash');
  writeFileSync(file, script('bash'));
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync(
    'bash',
    ['--noprofile', '--norc', '-c', `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _blindfold; printf '%s\\n' "\${COMPREPLY[@]}"`],
    { env: { ...t.env, PATH: `${bin}:${t.env.PATH}` }, encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

const hasShell = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

beforeAll(async () => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  await seedSecret(t.env, 'STRIPE_KEY', VALUES[0]!, '--host', 'api.stripe.com');
  await seedSecret(t.env, 'GITHUB_TOKEN', VALUES[1]!, '--host', 'api.github.com');
  // The script calls `blindfold` from PATH, as an installed one would be.
  bin = join(t.home, '..', 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'blindfold'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(bin, 'blindfold'), 0o755);
});

afterAll(() => t?.cleanup());

describe('completion bash', () => {
  it('is valid bash (bash -n)', () => {
    const file = join(t.home, '..', 'syntax.bash');
    writeFileSync(file, script('bash'));
    const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('completes commands, subcommands and options read off the program', () => {
    expect(complete(['blindfold', 'sh'])).toEqual(['show']);
    expect(complete(['blindfold', 'comp'])).toEqual(['completion']);
    expect(complete(['blindfold', 'tasks', ''])).toEqual(['list', 'check']);
    expect(complete(['blindfold', '--home', '/tmp', 'audit', 'v'])).toEqual(['verify']);
    expect(complete(['blindfold', 'audit', '--fo'])).toEqual(['--follow']);
    expect(complete(['blindfold', 'list', '--un'])).toEqual(['--unused']);
    expect(complete(['blindfold', 'set', '--ho'])).toEqual(['--host', '--home']);
    expect(complete(['blindfold', '']).sort()).toEqual(commandNames().sort());
  });

  it('completes secret names (never values) for show, rm, history and exec -s', () => {
    expect(complete(['blindfold', 'show', ''])).toEqual(['GITHUB_TOKEN', 'STRIPE_KEY']);
    expect(complete(['blindfold', 'rm', 'ST'])).toEqual(['STRIPE_KEY']);
    expect(complete(['blindfold', 'history', 'G'])).toEqual(['GITHUB_TOKEN']);
    expect(complete(['blindfold', 'exec', '-s', 'GI'])).toEqual(['GITHUB_TOKEN']);
    expect(complete(['blindfold', 'show', 'GITHUB_TOKEN', ''])).toEqual([]); // one name only
    const everything = complete(['blindfold', 'show', '']).join('\n');
    for (const v of VALUES) expect(everything).not.toContain(v);
  });
});

describe('completion zsh and fish', () => {
  it('produce scripts naming every command, valid where the shell is installed', () => {
    for (const shell of ['zsh', 'fish']) {
      const text = script(shell);
      for (const name of commandNames(true)) expect(text, `${shell}: ${name}`).toContain(`'${name}`);
      // CI installs both (.ci/run), so there the syntax check cannot be skipped by their absence.
      if (process.env.CI) expect(hasShell(shell), `${shell} is installed by .ci/run`).toBe(true);
      if (hasShell(shell)) {
        const file = join(t.home, '..', `completion.${shell}`);
        writeFileSync(file, text);
        const r = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      }
    }
    expect(script('zsh')).toMatch(/^#compdef blindfold/);
    // fish's quoting: \' is a quote inside single quotes, so the condition is `__blindfold_at ''`.
    expect(script('fish')).toContain("complete -c blindfold -n '__blindfold_at \\'\\'' -a 'show'");
    expect(script('fish')).toContain("complete -c blindfold -n '__blindfold_at \\'exec\\'' -s s -l secret -x -a '(__blindfold_secrets)'");
  });

  it('an unknown shell is a usage error (exit 2); a value given as the shell is not repeated', () => {
    const r = runCli(['completion', 'powershell'], { env: t.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown shell powershell; one of bash, zsh, fish/);
    const v = runCli(['completion', VALUES[0]!], { env: t.env });
    expect(v.code).toBe(2);
    expect(v.stderr).not.toContain(VALUES[0]);
    expect(v.stderr).toContain('not repeated here');
  });
});
