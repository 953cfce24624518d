/**
 * Which secrets `blindfold exec -s …` puts in the child's environment, and under which variable
 * (issue 20 item 3): `NAME`, `NAME:VAR`, or a glob (`STRIPE_*`, `*`) that stands for every
 * matching secret, each under its own name. Decided from names only, before any value is opened.
 */
import { mayRepeat } from '../echo.js';
import { BlindfoldError } from '../errors.js';
import { globRegExp } from '../policy/scope.js';
import { assertSecretName, withoutValueIn } from '../vault/names.js';

/** Blindfold's own key material never reaches the child, whatever it is called. */
export const OWN_KEY_VARIABLES = /^BLINDFOLD_(MASTER_KEY|MASTER_KEY_FILE|NEW_MASTER_KEY|NEW_MASTER_KEY_FILE|.*_KEY)$/;

/** A glob is what a secret name holds (letters, digits, `_`) plus `*` (any run) and `?` (one character). */
const SECRET_GLOB = /^[A-Za-z0-9_*?]{1,64}$/;
const ENV_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Injection {
  name: string;
  variable: string;
}

type Spec = { glob: string } | Injection;

/** The glob for a message, only while it reads as a name pattern (a wildcard typed over a value is not repeated). */
function globLabel(glob: string): string {
  return mayRepeat(glob.replace(/[*?]/g, 'x')) ? `'${glob}'` : '(a glob, not repeated here)';
}

function parseSpec(spec: string): Spec {
  if (/[*?]/.test(spec)) {
    if (!SECRET_GLOB.test(spec)) {
      const why = spec.includes(':') ? 'a glob gives each secret its own name, so NAME:VAR takes a single name' : 'a glob is letters, digits, _, * and ?';
      throw new BlindfoldError('BAD_INPUT', `-s: ${why} (not repeated here)`);
    }
    return { glob: spec };
  }
  const [name = '', variable = name, ...extra] = spec.split(':');
  assertSecretName(name);
  // From here the name is known good; the variable part is quoted only once it is a valid name.
  if (extra.length || !ENV_VARIABLE.test(variable)) {
    throw new BlindfoldError('BAD_INPUT', `-s ${name}:…: the part after ":" is not a valid environment variable name (not repeated here)`);
  }
  if (OWN_KEY_VARIABLES.test(variable)) throw new BlindfoldError('BAD_INPUT', `-s ${name}:${variable}: ${variable} is reserved for Blindfold's own key`);
  return { name, variable };
}

/** Checks every `-s` before the vault is opened: a malformed one is refused without a trace of it. */
export function parseSecretSpecs(specs: readonly string[]): Spec[] {
  return specs.map(parseSpec);
}

export interface Expansion {
  injections: Injection[];
  /** Matched by a glob but left out, with why (said to the admin on stderr; names only). */
  skipped: string[];
}

/**
 * Globs replaced by the secrets they match in `secrets` (those the principal may see), each once.
 * A glob matches only secrets with a value for `env` (a `*` should not fail on a secret kept for
 * another environment); one that matches nothing is refused.
 */
export function expandSpecs(specs: readonly Spec[], secrets: readonly { name: string; environments: string[] }[], env: string): Expansion {
  const injections = new Map<string, Injection>();
  const add = (i: Injection) => injections.set(`${i.name}\0${i.variable}`, i);
  const skipped = new Set<string>();
  const valueless = new Set(withoutValueIn(env, secrets));
  for (const spec of specs) {
    if (!('glob' in spec)) {
      add(spec);
      continue;
    }
    const matching = secrets.map((s) => s.name).filter((name) => globRegExp(spec.glob).test(name));
    const usable = matching.filter((name) => !valueless.has(name) && !OWN_KEY_VARIABLES.test(name));
    for (const name of matching) {
      if (valueless.has(name)) skipped.add(`${name} (no value for ${env})`);
      else if (OWN_KEY_VARIABLES.test(name)) skipped.add(`${name} (reserved for Blindfold's own key)`);
    }
    if (usable.length === 0) {
      const why = matching.length ? `the secrets it matches have no value for ${env}` : 'it matches no secret';
      throw new BlindfoldError('SECRET_NOT_FOUND', `-s ${globLabel(spec.glob)}: ${why}; \`blindfold list\` shows the names`);
    }
    for (const name of usable) add({ name, variable: name });
  }
  return { injections: [...injections.values()], skipped: [...skipped] };
}
