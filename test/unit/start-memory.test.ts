// Unit tests for src/cli/start-memory: the start's hold on V8's young generation and the one full
// collection after it (B6). What they save is measured by tools/bench/http-team.mjs, not here.
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { holdYoungGenerationForStart, releaseYoungGeneration, settleStart } from '../../src/cli/start-memory.js';

describe('the start memory settling', () => {
  it('holds, settles once, and leaves no gc function behind for any later context', () => {
    const exposedBefore = typeof (globalThis as { gc?: unknown }).gc === 'function';
    const teamServer = ['serve', '--http', '--port', '0'];
    holdYoungGenerationForStart(teamServer);
    expect(() => settleStart(teamServer)).not.toThrow();
    expect(() => settleStart(teamServer)).not.toThrow(); // a second call (the fallback timer) does nothing
    if (!exposedBefore) {
      // The collection borrowed `gc` for one context; code run afterwards (a new vm context) has none.
      expect(vm.runInNewContext('typeof gc')).toBe('undefined');
      expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    }
  });

  it('gives V8 its default growth back even when settling never ran (the build writes its code cache so)', () => {
    holdYoungGenerationForStart(['serve', '--http']);
    expect(() => releaseYoungGeneration()).not.toThrow();
  });
});
