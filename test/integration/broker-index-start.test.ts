// The redactor's index of every vault value is built after start in slices, one turn of the event
// loop each, so that a large vault does not keep initialize and tools/list waiting (B4). A request
// that arrives while it is half built must still find every value redacted (promise 4).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker.js';
import { resolvePaths } from '../../src/config.js';
import { Vault } from '../../src/vault/vault.js';
import { startStub, type Stub } from '../helpers/stub.js';

// Far more slices than a loopback request takes turns of the event loop, so the slices still
// running in the background cannot finish the index in time: the request has to finish it itself.
const COUNT = 4000;
// Random, so that no value shares a window with another (the redactor also catches parts of values).
const VALUES = Array.from({ length: COUNT }, () => randomBytes(18).toString('base64url'));
const valueOf = (i: number) => VALUES[i]!;

let home: string;
let stub: Stub;
const reflected: string[] = [];

beforeAll(async () => {
  stub = await startStub({ known: reflected });
  home = mkdtempSync(join(tmpdir(), 'blindfold-index-start-'));
});

afterAll(async () => {
  await stub?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the redaction index built in slices after start', () => {
  it('is finished before a request that comes while it is half built', async () => {
    const vault = await Vault.open({ paths: resolvePaths({ home }), env: { BLINDFOLD_HOME: home }, notice: () => {}, create: true });
    vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
    await vault.setMany(Array.from({ length: COUNT }, (_, i) => ({ name: `FILL_${i}`, value: valueOf(i), hosts: ['https://api.example.com'] })));
    await vault.set({ name: 'USED', value: 'used-key-Hm3Nq8Tb5Wd1Zx', hosts: [stub.origin] });

    const broker = new Broker({ vault });
    try {
      await nextTurn(); // the first slice has run, not the last
      const notYet = Array.from({ length: COUNT }, (_, i) => i).filter((i) => broker.redactValue({ id: 'probe', env: 'development' }, valueOf(i), [], 'probe') === valueOf(i));
      expect(notYet.length).toBeGreaterThan(0);
      const i = notYet.at(-1)!;
      reflected.push(valueOf(i));

      const r = await broker.httpRequest(
        { id: 'test', env: 'development' },
        { method: 'GET', url: `${stub.url}/reflect-known?i=0&as=raw`, headers: { 'X-Api-Key': '<secrets.USED>' } },
      );
      expect(stub.requests.at(-1)!.headers['x-api-key']).toBe('used-key-Hm3Nq8Tb5Wd1Zx');
      expect(JSON.stringify(r)).not.toContain(valueOf(i));
      expect(r.redacted).toContain(`FILL_${i}`);
    } finally {
      await broker.close();
    }
  });
});
