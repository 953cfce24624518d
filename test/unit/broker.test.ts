// The broker and the library handle in process, without MCP or a child process: a temp home,
// a vault with one secret bound to a name the injected resolver points at the loopback stub.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAuditTrail } from '../../src/store/audit/file-trail.js';
import { Broker } from '../../src/broker.js';
import { resolvePaths } from '../../src/config.js';
import { pinnedResolver } from '../../src/egress/connector.js';
import { BlindfoldError } from '../../src/errors.js';
import { createServer } from '../../src/mcp/server.js';
import { assembleBlindfold, type Blindfold } from '../../src/open.js';
import { Vault } from '../../src/vault/vault.js';
import { startStub, type Stub } from '../helpers/stub.js';

const VALUE = `unit_${randomBytes(16).toString('hex')}`;
const principal = { id: 'unit', env: 'development' };
let root: string;
let stub: Stub;
let vault: Vault;
let origin: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'blindfold-broker-'));
  stub = await startStub();
  origin = `http://api.unit.test:${stub.port}`;
  vault = await Vault.open({ paths: resolvePaths({ home: join(root, 'bf') }, {}), env: { BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') }, create: true });
  vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
  await vault.set({ name: 'UNIT_KEY', value: VALUE, hosts: [origin], placements: ['header', 'query'] });
});

afterAll(async () => {
  await stub.close();
  rmSync(root, { recursive: true, force: true });
});

async function withBroker<T>(use: (broker: Broker, audit: FileAuditTrail) => Promise<T>): Promise<T> {
  const audit = new FileAuditTrail({ path: vault.paths.audit, key: await vault.auditKey(), vaultId: vault.vaultId });
  const broker = new Broker({ vault, audit, resolver: pinnedResolver([`api.unit.test=127.0.0.1`]) });
  try {
    return await use(broker, audit);
  } finally {
    await broker.close();
    audit.close();
  }
}

describe('Broker in process', () => {
  it('sends the value only to the bound origin, audits before sending, and redacts the answer', async () => {
    await withBroker(async (broker) => {
      stub.reset();
      const result = await broker.httpRequest(principal, { method: 'GET', url: `${origin}/echo`, query: { k: '<secrets.UNIT_KEY>' }, headers: { Authorization: 'Bearer <secrets.UNIT_KEY>' } });
      expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${VALUE}`);
      expect(stub.requests[0]!.url).toContain(`k=${VALUE}`);
      expect(result.redacted).toEqual(['UNIT_KEY']);
      expect(JSON.stringify(result)).not.toContain(VALUE);
      const trail = readFileSync(vault.paths.audit, 'utf8');
      expect(trail.indexOf('"secret.resolve"')).toBeGreaterThanOrEqual(0);
      expect(trail.indexOf('"secret.resolve"')).toBeLessThan(trail.indexOf('"request.sent"'));
      expect(trail).not.toContain(VALUE);
    });
  });

  it('refuses a placement or a host the secret does not allow, before anything is sent', async () => {
    await withBroker(async (broker) => {
      stub.reset();
      const refusal = (input: Parameters<Broker['httpRequest']>[1]) => broker.httpRequest(principal, input).then(() => undefined, (err: BlindfoldError) => err.code);
      expect(await refusal({ method: 'POST', url: `${origin}/echo`, body: '<secrets.UNIT_KEY>' })).toBe('PLACEMENT_NOT_ALLOWED');
      expect(await refusal({ method: 'GET', url: `http://127.0.0.1:${stub.port}/echo`, headers: { A: '<secrets.UNIT_KEY>' } })).toBe('HOST_NOT_ALLOWED');
      expect(await refusal({ method: 'GET', url: `${origin}/echo`, headers: { A: '<secrets.UNIT_KEYS>' } })).toBe('SECRET_NOT_FOUND');
      expect(await refusal({ method: 'GET', url: `${origin}/echo`, headers: { A: '<secrets.UNIT_KEY>' } })).toBeUndefined();
      // A principal scoped to other names is refused as if the secret did not exist.
      const scoped = await broker.httpRequest({ ...principal, secrets: ['OTHER_*'] }, { method: 'GET', url: `${origin}/echo`, headers: { A: '<secrets.UNIT_KEY>' } }).catch((err: BlindfoldError) => err.code);
      expect(scoped).toBe('SECRET_NOT_FOUND');
      // Only the one allowed call reached the stub (the refused 127.0.0.1 call would have too).
      expect(stub.requests).toHaveLength(1);
    });
  });

  it('keeps the vault and the redactor out of reach', async () => {
    await withBroker(async (broker) => {
      const open = broker as unknown as Record<string, unknown>;
      expect(open.vault).toBeUndefined();
      expect(open.redactor).toBeUndefined();
      expect(Object.keys(broker)).toEqual([]);
    });
  });
});

describe('the library handle', () => {
  let blindfold: Blindfold;

  beforeAll(async () => {
    blindfold = await assembleBlindfold(vault, { principal: { id: 'plugin:unit', env: 'development' }, resolver: pinnedResolver(['api.unit.test=127.0.0.1']) });
  });
  afterAll(() => blindfold.close());

  it('reaches no value: nothing on the handle leads to the vault or the broker', () => {
    expect(Object.keys(blindfold)).toEqual(['principal']);
    expect(inspect(blindfold, { depth: 10, showHidden: true })).not.toMatch(/Vault|Broker|Redactor/);
  });

  it('serves the same calls over MCP in process, under its principal', async () => {
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    const server = createServer(blindfold);
    await server.connect(serverSide);
    const client = new Client({ name: 'unit', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      const listed = await client.callTool({ name: 'list_secrets', arguments: {} });
      expect((listed.structuredContent as { secrets: Array<{ name: string }> }).secrets.map((s) => s.name)).toEqual(['UNIT_KEY']);
      const called = await client.callTool({ name: 'http_request', arguments: { method: 'GET', url: `${origin}/echo`, headers: { 'X-Key': '<secrets.UNIT_KEY>' } } });
      expect(called.isError).toBeFalsy();
      expect(JSON.stringify(called)).not.toContain(VALUE);
      expect((called.structuredContent as { redacted: string[] }).redacted).toEqual(['UNIT_KEY']);
      expect(readFileSync(vault.paths.audit, 'utf8')).toContain('"principal":"plugin:unit"');
    } finally {
      await client.close();
      await server.close();
    }
  });
});
