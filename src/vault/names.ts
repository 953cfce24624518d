import { BlindfoldError } from '../errors.js';
import { WINDOW } from '../redact/fingerprints.js';
import { stretchesTooShort } from '../redact/public-parts.js';
import { estimateSecretGuessBits, MIN_GUESS_BITS, type GuessPattern } from './entropy.js';
import { looksLikeToken, mayRepeat, repeatable } from '../echo.js';

export const SECRET_NAME_RULE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** A piece of the home's small state kept in the vault (suspensions, allowance, quarantine). */
export const STATE_NAME_RULE = /^[a-z]{1,32}$/;
/**
 * An agent token's name: it becomes the audit principal `token:NAME`. Every secret name is a
 * valid token name (issue 21: names follow the secret-name rules), and so is a host-style name
 * such as `ci-bot` or `laptop.alice`.
 */
export const TOKEN_NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ENVIRONMENT_RULE = /^[a-z][a-z0-9_-]{0,31}$/;
/** The fallback environment, used where an environment has no value of its own. */
export const DEFAULT_ENVIRONMENT = 'default';

/** The names among `secrets` with no value for `env` and no default one: a call using them is refused. */
export function withoutValueIn(env: string, secrets: readonly { name: string; environments: string[] }[]): string[] {
  return secrets.filter((s) => !s.environments.includes(env) && !s.environments.includes(DEFAULT_ENVIRONMENT)).map((s) => s.name);
}
/**
 * Short values make redaction destroy unrelated text and turn the redactor into an oracle
 * (an agent could guess a 3-character value by watching what gets masked).
 */
export const MIN_VALUE_LENGTH = 8;

/**
 * What is wrong with a name-like input, said without repeating it: input that fails a name rule
 * may be a value typed in the wrong place (`set API_KEY=sk-live-…`, Doppler's habit), and error
 * messages reach terminals, logs and agents (promise 1). Single characters are safe to show.
 */
export function whyNotAName(input: string, maxLength: number, allowed: string): string {
  if (input.length === 0) return 'it is empty';
  if (input.includes('=')) return 'it contains "=" (give the name alone: a value is never taken from the command line)';
  if (input.length > maxLength) return `it is ${input.length} characters long (at most ${maxLength})`;
  if (!/^[A-Za-z]/.test(input)) return 'it does not start with a letter';
  return `it contains a character other than ${allowed}`;
}

export function assertSecretName(name: string): string {
  if (typeof name !== 'string' || !SECRET_NAME_RULE.test(name)) {
    const why = typeof name === 'string' ? whyNotAName(name, 64, 'letters, digits and _') : 'it is not text';
    throw new BlindfoldError(
      'BAD_NAME',
      `invalid secret name (not repeated here in case it holds a value): ${why}. A name must match ${SECRET_NAME_RULE.source} ` +
        '(a letter, then up to 63 letters, digits or underscores), e.g. GITHUB_TOKEN',
    );
  }
  return name;
}

export function assertEnvironment(env: string): string {
  // A token-shaped environment is a value typed in the wrong place: refused, so it reaches no message or audit entry.
  if (typeof env !== 'string' || !ENVIRONMENT_RULE.test(env) || looksLikeToken(env)) {
    const why = typeof env !== 'string' ? 'it is not text' : /^[A-Z]/.test(env) ? 'it starts with a capital letter' : ENVIRONMENT_RULE.test(env) ? 'it looks like a key or token' : whyNotAName(env, 32, 'lowercase letters, digits, _ and -');
    throw new BlindfoldError(
      'BAD_ENVIRONMENT',
      `invalid environment (not repeated here in case it holds a value): ${why}. An environment must match ${ENVIRONMENT_RULE.source}, ` +
        'e.g. development, staging, production, or "default" for the fallback value',
    );
  }
  return env;
}

const PATTERN_WORDS: Record<GuessPattern, string> = {
  digits: 'digits only (a PIN)',
  date: 'a date or year',
  repeat: 'repeated characters',
  sequence: 'a sequence like abcd or 1234',
  keyboard: 'a keyboard run like qwerty',
  word: 'a common password or word',
  random: 'too few characters of too few kinds',
};

/**
 * Refuses values that are empty, hold NUL, are short (unless allowShort) or guessable (unless
 * allowGuessable). Guessable is judged on what the matcher indexes (SPEC §1.4a): the secret-bearing
 * characters only, estimated below MIN_GUESS_BITS (entropy.ts), or a secret-bearing stretch shorter
 * than a window, which could be indexed only with public text around it. Either way the value
 * would be stored without the guessing it promises, so it is refused unless the admin says so.
 * Messages say why, never the value.
 */
export function assertValueAcceptable(name: string, value: string, allowShort: boolean, allowGuessable = false): void {
  if (value.length === 0) {
    throw new BlindfoldError('BAD_INPUT', `no value given for ${repeatable(name)}: the input was empty`);
  }
  if (/[\0]/.test(value)) {
    throw new BlindfoldError('BAD_INPUT', `the value for ${repeatable(name)} contains a NUL byte; refusing it`);
  }
  const guess = allowGuessable ? undefined : estimateSecretGuessBits(value);
  const guessable = guess !== undefined && guess.bits < MIN_GUESS_BITS;
  if (!allowShort && value.length < MIN_VALUE_LENGTH) {
    throw new BlindfoldError(
      'VALUE_TOO_SHORT',
      `the value for ${repeatable(name)} is shorter than ${MIN_VALUE_LENGTH} characters; short values cannot be redacted safely ` +
        `(pass --allow-short if this really is the credential${guessable ? ', and --allow-guessable: it is also easy to guess' : ''})`,
    );
  }
  if (!allowGuessable && !guessable && stretchesTooShort(value, WINDOW) > 0) {
    throw new BlindfoldError(
      'BAD_INPUT',
      `the value for ${repeatable(name)} has a secret-bearing part shorter than ${WINDOW} characters between public parts ` +
        '(a vendor prefix, PEM armour, a URL\'s host or path words): it could be matched only together with public text, ' +
        'which honest agents write too (pass --allow-guessable if this really is the credential)',
    );
  }
  if (guessable) {
    const why = guess.patterns.filter((p) => p !== 'random').map((p) => PATTERN_WORDS[p]);
    throw new BlindfoldError(
      'BAD_INPUT',
      `the value for ${repeatable(name)} is easy to guess (its secret-bearing characters, without public parts such as a vendor prefix or a URL's host, are estimated below the ${MIN_GUESS_BITS}-bit floor: ` +
        `${why.length ? `it contains ${why.join(', ')}` : PATTERN_WORDS.random}); values like this are what an agent or an attacker tries first ` +
        '(pass --allow-guessable if this really is the credential)',
    );
  }
}

/**
 * Names the secret only when the name could be one: anything else may be a value pasted in the
 * wrong place (`API_KEY=sk-...`), which an error must not repeat. Close names are the caller's to
 * suggest: only it knows which names its principal may see.
 */
export function notFound(name: string, existing: string[]): BlindfoldError {
  const shown = SECRET_NAME_RULE.test(name) && mayRepeat(name) ? `named ${name}` : 'with that name (not repeated here)';
  return new BlindfoldError('SECRET_NOT_FOUND', `no secret ${shown}`, { existing: existing.length });
}
