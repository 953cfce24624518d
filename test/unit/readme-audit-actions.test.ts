// README true to the code (issue 20 item 7): the audit section lists every action the trail can
// hold, and no other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../src/audit/chain.js';

describe('README, "Audit trail and logs"', () => {
  it('lists exactly the audit actions of src/audit/chain.ts', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const list = /`action` \(([^)]*)\)/.exec(readme)?.[1] ?? '';
    const named = [...list.matchAll(/`([a-z]+\.[a-z]+)`/g)].map((m) => m[1]);
    expect([...named].sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});
