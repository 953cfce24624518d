// The listing a principal may use (src/policy/in-scope.ts): filtered once per vault listing and
// principal, and never stale: a new listing (a new vault revision) is filtered afresh, and one
// principal's filtered listing is never another's.
import { describe, expect, it } from 'vitest';
import { inScope } from '../../src/policy/in-scope.js';
import type { SecretInfo } from '../../src/vault/vault.js';

const info = (name: string, description = ''): SecretInfo => ({ name, description, metadata: {}, environments: [], hosts: [], placements: [], inject: '', public: false, createdAt: '', updatedAt: '', version: 1 }) as unknown as SecretInfo;
const names = (xs: readonly SecretInfo[]) => xs.map((s) => s.name);

describe('inScope', () => {
  const listing = Object.freeze([info('ALPHA_KEY', 'the alpha service'), info('BETA_KEY'), info('GAMMA_TOKEN')]);

  it('gives an unscoped principal the listing itself, and a scoped one only its globs (narrowed scopes too)', () => {
    expect(inScope(listing, {})).toBe(listing);
    expect(names(inScope(listing, { secrets: ['*_KEY'] }))).toEqual(['ALPHA_KEY', 'BETA_KEY']);
    expect(names(inScope(listing, { secrets: ['*_KEY'], within: { secrets: ['BETA_*', 'GAMMA_*'] } }))).toEqual(['BETA_KEY']);
    expect(names(inScope(listing, { secrets: [] }))).toEqual([]);
  });

  it('filters once per listing and principal, and afresh for a new listing', () => {
    const principal = { secrets: ['*_KEY'] };
    const first = inScope(listing, principal);
    expect(inScope(listing, principal)).toBe(first);
    expect(names(inScope(listing, { secrets: ['GAMMA_*'] }))).toEqual(['GAMMA_TOKEN']); // another principal: its own
    const next = Object.freeze([...listing, info('DELTA_KEY')]);
    expect(names(inScope(next, principal))).toEqual(['ALPHA_KEY', 'BETA_KEY', 'DELTA_KEY']);
    expect(names(inScope(listing, principal))).toEqual(['ALPHA_KEY', 'BETA_KEY']);
  });

  it('filters by name or description, in any case, inside the scope only', () => {
    const principal = { secrets: ['ALPHA_*', 'GAMMA_*'] };
    expect(names(inScope(listing, principal, 'ALPHA SERVICE'.toLowerCase()))).toEqual(['ALPHA_KEY']);
    expect(names(inScope(listing, principal, 'key'))).toEqual(['ALPHA_KEY']);
    expect(names(inScope(listing, principal, 'beta'))).toEqual([]);
  });
});
