// README and --help true to the code (issue 20 item 7): every number they quote about a rule is the
// number the code enforces, and every README table has as many cells in each row as in its header.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { RECENT_USE_MS } from '../../src/admin.js';
import { declareCommands } from '../../src/cli/definitions.js';
import { WINDOW } from '../../src/redact/fingerprints.js';
import { DEFAULT_LIMITS } from '../../src/settings.js';
import { newArgon2Params, sodium } from '../../src/vault/crypto.js';
import { MIN_VALUE_LENGTH, SECRET_NAME_RULE } from '../../src/vault/names.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** Every description and argument text of every command, as `--help` prints them. */
function helpTexts(): string {
  const program = new Command();
  declareCommands(program);
  const texts: string[] = [];
  const walk = (cmd: Command) => {
    texts.push(cmd.description());
    for (const o of cmd.options) texts.push(o.description);
    for (const a of cmd.registeredArguments) texts.push(a.description);
    cmd.commands.forEach(walk);
  };
  walk(program);
  return texts.join('\n');
}

const nameMax = Number(/\{0,(\d+)\}/.exec(SECRET_NAME_RULE.source)![1]);
const days = RECENT_USE_MS / 86_400_000;

describe('numbers quoted in --help and the README', () => {
  const help = helpTexts();
  // [what, the code's number, the phrasings that quote it]
  const facts: Array<[string, number, RegExp]> = [
    ['longest name after its first letter', nameMax, /up to (\d+) letters/g],
    ['shortest value accepted without --allow-short', MIN_VALUE_LENGTH, /(?:accepts? (?:a )?values?|Values) (?:shorter than|under) (\d+) characters/g],
    ['recent use that blocks rm', days, /in the last (\d+) days/g],
  ];
  for (const [what, value, phrase] of facts) {
    it(`${what}: ${value}`, () => {
      const quoted = [...`${help}\n${readme}`.matchAll(phrase)].map((m) => Number(m[1]));
      expect(quoted.length, `no text quotes the ${what}`).toBeGreaterThan(0);
      expect(new Set(quoted)).toEqual(new Set([value]));
    });
  }

  it(`a guessable value's secret-bearing part is shorter than the window: ${WINDOW}`, () => {
    const quoted = [...`${help}\n${readme}`.matchAll(/(?:secret-bearing|guessable)[^.|]*?shorter than (\d+) characters/g)].map((m) => Number(m[1]));
    expect(quoted.length).toBeGreaterThan(0);
    expect(new Set(quoted)).toEqual(new Set([WINDOW]));
  });

  it('the default largest MCP message', () => {
    expect(help).toContain(`else ${DEFAULT_LIMITS.maxArgumentBytes})`);
    const mib = DEFAULT_LIMITS.maxArgumentBytes / 1024 / 1024;
    expect(readme).toMatch(new RegExp(`raises the ${mib} MiB cap on one tool call`));
  });

  it('Argon2id parameters of a passphrase', async () => {
    await sodium();
    const p = newArgon2Params();
    expect(readme).toContain(`Argon2id (${p.memlimit / 1024 / 1024} MiB, ${p.opslimit} passes)`);
  });
});

describe('README tables', () => {
  it('every row has as many cells as its header', () => {
    const rows = (line: string) => line.replace(/\\\|/g, '').replace(/`[^`]*`/g, (code) => code.replace(/\|/g, '')).split('|').length;
    const lines = readme.split('\n');
    const broken: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!/^\|/.test(lines[i]!) || !/^\|[\s:-]+\|/.test(lines[i + 1] ?? '')) continue;
      const width = rows(lines[i]!);
      for (let j = i + 1; j < lines.length && /^\|/.test(lines[j]!); j++) {
        if (rows(lines[j]!) !== width) broken.push(`README.md:${j + 1}: ${rows(lines[j]!) - 1} cells, header has ${width - 1}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
