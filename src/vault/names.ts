import { BlindfoldError } from '../errors.js';

export const SECRET_NAME_RULE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const ENVIRONMENT_RULE = /^[a-z][a-z0-9_-]{0,31}$/;
/** The fallback environment, used where an environment has no value of its own. */
export const DEFAULT_ENVIRONMENT = 'default';
/**
 * Short values make redaction destroy unrelated text and turn the redactor into an oracle
 * (an agent could guess a 3-character value by watching what gets masked).
 */
export const MIN_VALUE_LENGTH = 8;

export function assertSecretName(name: string): string {
  if (typeof name !== 'string' || !SECRET_NAME_RULE.test(name)) {
    throw new BlindfoldError(
      'BAD_NAME',
      `invalid secret name ${JSON.stringify(String(name).slice(0, 80))}: a name must match ${SECRET_NAME_RULE.source} ` +
        '(a letter, then up to 63 letters, digits or underscores), e.g. GITHUB_TOKEN',
    );
  }
  return name;
}

export function assertEnvironment(env: string): string {
  if (typeof env !== 'string' || !ENVIRONMENT_RULE.test(env)) {
    throw new BlindfoldError(
      'BAD_ENVIRONMENT',
      `invalid environment ${JSON.stringify(String(env).slice(0, 40))}: an environment must match ${ENVIRONMENT_RULE.source}, ` +
        'e.g. development, staging, production, or "default" for the fallback value',
    );
  }
  return env;
}

export function assertValueAcceptable(name: string, value: string, allowShort: boolean): void {
  if (value.length === 0) {
    throw new BlindfoldError('BAD_INPUT', `no value given for ${name}: the input was empty`);
  }
  if (/[\0]/.test(value)) {
    throw new BlindfoldError('BAD_INPUT', `the value for ${name} contains a NUL byte; refusing it`);
  }
  if (!allowShort && value.length < MIN_VALUE_LENGTH) {
    throw new BlindfoldError(
      'VALUE_TOO_SHORT',
      `the value for ${name} is shorter than ${MIN_VALUE_LENGTH} characters; short values cannot be redacted safely ` +
        '(pass --allow-short if this really is the credential)',
    );
  }
}
