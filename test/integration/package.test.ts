// The npm name `blindfold` belongs to an unrelated package: ours publishes as `blindfold-mcp` with
// the command `blindfold`, and the README never tells a user outside the checkout to `npx blindfold`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

describe('package identity', () => {
  it('publishes as blindfold-mcp with the bin blindfold', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
    expect(pkg.name).toBe('blindfold-mcp');
    expect(Object.keys(pkg.bin)).toEqual(['blindfold']);
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { name: string };
    expect(lock.name).toBe('blindfold-mcp');
  });

  it('README: every npx outside the checkout names blindfold-mcp', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    // `npx blindfold` is right only inside the checkout, where npm resolves the project's own bin;
    // those lines say so. Any other `npx blindfold` would run someone else's package.
    const offending = readme
      .split('\n')
      .filter((line) => /npx (-y )?blindfold(?!-mcp)\b/.test(line))
      .filter((line) => !/checkout|unrelated package|^npx blindfold (set|list)\b|^printenv .*\| npx blindfold set\b/.test(line));
    expect(offending).toEqual([]);
    expect(readme).toContain('npx blindfold-mcp');
  });
});
