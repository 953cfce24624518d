// The settings file: missing = defaults, a bad file = an error naming its path, and each setting
// resolved flag > environment variable > file > default.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, loadSettings, settingsPath } from '../../src/settings.js';

let root: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'blindfold-settings-'));
  env = { HOME: root };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function writeSettings(content: unknown, where = join(root, '.config')): string {
  const path = join(where, 'blindfold', 'config.json');
  mkdirSync(join(where, 'blindfold'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('settings', () => {
  it('are the defaults when there is no file', () => {
    const s = loadSettings({}, env);
    expect(s.limits).toEqual({ maxArgumentBytes: 1024 * 1024, partialHitAllowance: 3, auditRetentionDays: 90, auditQuotaBytes: 1024 ** 3, storePoolSize: 10 });
    expect(s.limits).toEqual(DEFAULT_LIMITS);
    expect(s.principal).toBeUndefined();
    expect(s.path).toBe(join(root, '.config', 'blindfold', 'config.json'));
  });

  it('live in $XDG_CONFIG_HOME/blindfold/config.json when that is set', () => {
    const xdg = join(root, 'xdg');
    writeSettings({ limits: { partialHitAllowance: 5 } }, xdg);
    expect(settingsPath({ ...env, XDG_CONFIG_HOME: xdg })).toBe(join(xdg, 'blindfold', 'config.json'));
    expect(loadSettings({}, { ...env, XDG_CONFIG_HOME: xdg }).limits.partialHitAllowance).toBe(5);
    expect(loadSettings({}, env).limits.partialHitAllowance).toBe(3);
  });

  it('resolve flag > environment > file > default, per setting', () => {
    writeSettings({ principal: 'from-file', limits: { maxArgumentBytes: 2_000_000, auditRetentionDays: 30 } });
    const fileOnly = loadSettings({}, env);
    expect(fileOnly.principal).toBe('from-file');
    expect(fileOnly.limits).toMatchObject({ maxArgumentBytes: 2_000_000, auditRetentionDays: 30, partialHitAllowance: 3 });
    const withEnv = { ...env, BLINDFOLD_PRINCIPAL: 'from-env', BLINDFOLD_MAX_ARGUMENT_BYTES: '3000000', BLINDFOLD_PARTIAL_HIT_ALLOWANCE: '1' };
    expect(loadSettings({}, withEnv)).toMatchObject({ principal: 'from-env', limits: { maxArgumentBytes: 3_000_000, partialHitAllowance: 1, auditRetentionDays: 30 } });
    expect(loadSettings({ principal: 'from-flag', maxArgumentBytes: '4000000' }, withEnv)).toMatchObject({
      principal: 'from-flag',
      limits: { maxArgumentBytes: 4_000_000, partialHitAllowance: 1 },
    });
  });

  it('name the file when it is not JSON, has an unknown key or a value out of bounds', () => {
    const path = writeSettings('{ "limits": ');
    expect(() => loadSettings({}, env)).toThrow(`the settings file ${path} is not valid JSON`);
    writeSettings({ limits: { maxArgumentByte: 10 } });
    expect(() => loadSettings({}, env)).toThrow(new RegExp(`the settings file ${path} is not valid: limits`));
    writeSettings({ limits: { maxArgumentBytes: 0 } });
    expect(() => loadSettings({}, env)).toThrow(new RegExp(`${path} is not valid: limits.maxArgumentBytes`));
    writeSettings({ principal: 'has spaces' });
    expect(() => loadSettings({}, env)).toThrow(new RegExp(`${path} is not valid: principal`));
  });

  it('refuse a bad value from a flag or the environment, saying where to look', () => {
    expect(() => loadSettings({ maxArgumentBytes: 'lots' }, env)).toThrow(/--max-argument-bytes: a whole number/);
    expect(() => loadSettings({}, { ...env, BLINDFOLD_PARTIAL_HIT_ALLOWANCE: '-1' })).toThrow(/BLINDFOLD_PARTIAL_HIT_ALLOWANCE: a whole number/);
    expect(() => loadSettings({ principal: 'bad name!' }, env)).toThrow(/settings: principal:/);
  });
});
