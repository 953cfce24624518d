// Promise 1 for parsers of admin input: an error never repeats input that may be a value typed in
// the wrong place, and a value-shaped string is never accepted as a host (it would then be shown
// by `list`, `show` and list_secrets).
import { describe, expect, it } from 'vitest';
import { BlindfoldError } from '../../src/errors.js';
import { parseInject } from '../../src/policy/inject.js';
import { parseHostPattern } from '../../src/policy/hosts.js';
import { parsePlacements } from '../../src/policy/placements.js';
import { getPreset } from '../../src/policy/presets.js';
import { assertEnvironment, assertSecretName } from '../../src/vault/names.js';
import { safeUsageError } from '../../src/cli/usage.js';

const SECRET = 'Zq81xYv27Lm';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as BlindfoldError).message;
  }
  throw new Error('did not throw');
}

describe('errors do not repeat what may be a value', () => {
  it.each([
    ['secret name', () => assertSecretName(`API_KEY=sk-live-${SECRET}`)],
    ['environment', () => assertEnvironment(`sk-live-${SECRET}`)],
    ['host', () => parseHostPattern(`sk-live-${SECRET}/path`)],
    ['host with =', () => parseHostPattern(`API_KEY=sk-live-${SECRET}`)],
    ['scheme', () => parseHostPattern(`sk-live-${SECRET}://x.com`)],
    ['inject placement', () => parseInject(`sk-live-${SECRET}:x:{value}`)],
    ['inject header', () => parseInject(`header:sk live ${SECRET}:{value}`)],
    ['inject query', () => parseInject(`query:a=${SECRET}:{value}`)],
    ['placement', () => parsePlacements([`sk-live-${SECRET}`])],
    ['preset', () => getPreset(`sk-live-${SECRET}`)],
  ])('%s', (_what, fn) => {
    expect(messageOf(fn).toLowerCase()).not.toContain(SECRET.toLowerCase());
  });

  it('still names what is plainly a typo', () => {
    expect(messageOf(() => parsePlacements(['headers']))).toContain('"headers"');
    expect(messageOf(() => getPreset('opnai'))).toContain('"opnai"');
  });

  it("rewrites commander's unknown option and command errors", () => {
    expect(safeUsageError(`error: unknown option '--token=sk-${SECRET}'\n`)).not.toContain(SECRET);
    expect(safeUsageError("error: unknown option '--frobnicate'\n(Did you mean --force?)\n")).toBe("error: unknown option '--frobnicate'\n(Did you mean --force?)\n");
    expect(safeUsageError(`error: unknown command 'API_KEY=${SECRET}'\n(Did you mean list?)\n`)).toMatch(/^error: unknown command \(not repeated[^\n]*\n\(Did you mean list\?\)\n$/);
    expect(safeUsageError("error: unknown command 'lsit'\n")).toContain("'lsit'");
  });
});
