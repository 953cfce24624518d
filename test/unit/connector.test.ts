// serve --resolve: pinned DNS answers (the address guard itself is tested in address-guard.test.ts).
import { describe, expect, it } from 'vitest';
import { pinnedResolver } from '../../src/egress/connector.js';
import { BlindfoldError } from '../../src/errors.js';

describe('pinned resolver (serve --resolve)', () => {
  it('answers pinned names, case- and trailing-dot-insensitively, and falls back for others', async () => {
    const r = pinnedResolver(['Evil.Test=127.0.0.1', 'mixed.test=93.184.216.34,::1'], async () => [{ address: '8.8.8.8', family: 4 }]);
    expect(await r('evil.test.')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(await r('mixed.test')).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(await r('other.test')).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });

  it.each(['evil.test', '=1.2.3.4', 'evil.test=', 'evil.test=not-an-ip'])('refuses the malformed pin %j', (pin) => {
    expect(() => pinnedResolver([pin])).toThrow(BlindfoldError);
  });
});
