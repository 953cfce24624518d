// Origin quarantine (issue 18 item 2): an origin whose answers tripped the wire twice is
// quarantined for every principal (every process of the home) until an admin clears it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TripQuarantine, normalOrigin, type OriginQuarantine } from '../../src/policy/quarantine.js';
import { stateFile } from '../helpers/state-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'blindfold-quarantine-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const kinds: Array<[string, () => OriginQuarantine]> = [
  ['memory', () => TripQuarantine.inMemory()],
  ['file', () => TripQuarantine.in(stateFile(join(dir, 'quarantine.json')))],
];

describe.each(kinds)('origin quarantine (%s)', (_kind, make) => {
  it('quarantines an origin at its second trip, and only that origin', async () => {
    const q = make();
    expect(await q.recordTrip('https://echo.example.com')).toEqual({ trips: 1, quarantined: false });
    expect(q.isQuarantined('https://echo.example.com')).toBe(false);
    // Spelt another way (a path, upper case, the default port): the same origin.
    expect(await q.recordTrip('HTTPS://Echo.Example.com:443/some/path')).toEqual({ trips: 2, quarantined: true });
    expect(q.isQuarantined('https://echo.example.com')).toBe(true);
    expect(q.isQuarantined('https://echo.example.com:8443')).toBe(false);
    expect(q.isQuarantined('https://other.example.com')).toBe(false);
    expect((await q.recordTrip('https://echo.example.com')).quarantined).toBe(true);
    const [entry] = q.list();
    expect(entry).toMatchObject({ origin: 'https://echo.example.com', trips: 3 });
    expect(entry?.quarantinedSince).toBeDefined();
  });

  it('stays quarantined until an admin clears it; clearing forgets its trips', async () => {
    const q = make();
    await q.recordTrip('http://127.0.0.1:8080');
    await q.recordTrip('http://127.0.0.1:8080');
    expect(await q.clear('http://127.0.0.1:8080/')).toBe(true);
    expect(q.isQuarantined('http://127.0.0.1:8080')).toBe(false);
    expect(await q.clear('http://127.0.0.1:8080')).toBe(false);
    expect(await q.recordTrip('http://127.0.0.1:8080')).toEqual({ trips: 1, quarantined: false });
  });
});

describe('origin quarantine file', () => {
  it('is seen by another instance (another process) on its next check', async () => {
    const path = join(dir, 'quarantine.json');
    const reader = TripQuarantine.in(stateFile(path));
    expect(reader.isQuarantined('https://a.example')).toBe(false);
    const writer = TripQuarantine.in(stateFile(path));
    await writer.recordTrip('https://a.example');
    await writer.recordTrip('https://a.example');
    expect(reader.isQuarantined('https://a.example')).toBe(true);
  });

  it('refuses what is not an origin', () => {
    expect(() => normalOrigin('not a url')).toThrow(/origin is a URL/);
    expect(() => normalOrigin('data:text/plain,x')).toThrow(/http\(s\) URL/);
  });
});
