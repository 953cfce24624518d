import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { getPreset } from '../../policy/presets.js';
import { assertSecretName } from '../../vault/names.js';
import { openAdmin } from '../admin.js';
import { action, environmentFor } from '../context.js';
import { validateSetInput } from '../../vault/vault.js';
import { flagIsNameable } from '../usage.js';
import { note, parseKeyValues, printJson, printLine, readSecretValue } from '../io.js';
import { repeatable } from '../../echo.js';

interface SetOptions {
  env?: string;
  description?: string;
  meta?: string[];
  host?: string[];
  placement?: string[];
  inject?: string;
  preset?: string;
  fromEnv?: string;
  fromFile?: string;
  keepValue?: boolean;
  public?: boolean;
  allowShort?: boolean;
  allowGuessable?: boolean;
  ifVersion?: string;
  json?: boolean;
}

/** `blindfold set`, as declared in ../definitions.ts. */
export const setAction = action(async (name: string, refused: string[], opts: SetOptions, cmd: Command) => {
  // Checked first: the name is repeated below (prompt, hints), and `set API_KEY=sk-…` must
  // be refused before it could be.
  assertSecretName(name);
  // Unknown options are allowed only so we can refuse them without echoing them: commander
  // would print `unknown option '--value=...'`, which would put a value on the terminal.
  if (refused.length > 0) {
    const options = refused.filter((a) => a.startsWith('-'));
    // Plain flags are named (`--frobnicate`); `--token=…` and anything odd are not.
    const named = options.filter(flagIsNameable).map((f) => `'${f}'`);
    throw new BlindfoldError(
      'VALUE_IN_ARGV',
      options.length > 0
        ? `unknown option for \`set\`${named.length ? ` ${named.join(', ')}` : ''}` +
            `${named.length < options.length ? ' (one or more not repeated here: it carries a value or is not a plain --flag)' : ''}; see \`blindfold set --help\``
        : 'a value was given on the command line; values are never taken from argv because they end up in shell history and process lists. ' +
            `Pipe it instead (\`printenv MY_KEY | blindfold set ${repeatable(name)}\`), use --from-env VAR or --from-file PATH, or run without it to be prompted`,
    );
  }
  const preset = opts.preset ? getPreset(opts.preset) : undefined;
  const env = environmentFor(opts.env);
  const expectedVersion = opts.ifVersion !== undefined ? parseVersion(opts.ifVersion) : undefined;
  const settings = {
    name,
    env,
    metadata: parseKeyValues(opts.meta, '--meta'),
    hosts: opts.host ?? preset?.hosts,
    placements: opts.placement ?? preset?.placements,
    inject: opts.inject ?? preset?.inject,
    public: opts.public,
    allowShort: opts.allowShort,
    allowGuessable: opts.allowGuessable,
    expectedVersion,
  };
  // Everything is checked, and the vault found, before anyone types a value: a refused `set`
  // prompts for nothing. Only `init` creates a vault, so a mistyped home is reported, not made.
  validateSetInput(settings);
  const { vault, admin } = await openAdmin(cmd);
  const value = opts.keepValue ? undefined : await readSecretValue(name, { fromEnv: opts.fromEnv, fromFile: opts.fromFile });
  const change = { ...settings, value };
  validateSetInput(change);
  const description = opts.description ?? (preset && !vault.has(name) ? preset.description : undefined);
  const { info, created, changed } = await admin.set({ ...change, description });
  if (info.hosts.length === 0) {
    note(`${name} has no hosts, so it cannot be sent anywhere yet; add one with --host or --preset`);
  }
  if (opts.json) printJson({ created, changed, secret: info });
  else if (!changed) printLine(`unchanged ${name} (version ${info.version}: the value and settings given are the ones stored)`);
  else printLine(`${created ? 'created' : 'updated'} ${name} (version ${info.version}${value !== undefined ? `, value for ${env}` : ''})`);
});

function parseVersion(text: string): number {
  const n = Number(text);
  // What was given is not repeated: a non-number here may be a value typed in the wrong place.
  if (text.trim() === '' || !Number.isInteger(n) || n < 0) throw new BlindfoldError('BAD_INPUT', '--if-version expects a whole number (0 = must not exist yet)');
  return n;
}
