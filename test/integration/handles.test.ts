// Issue 19 item 3: one core, a handle per principal. Two handles of disjoint scope on one core, in
// process and over MCP (two in-memory clients): each lists, calls, runs and is audited only as its
// own scope allows, and the other scope's secrets are as if they did not exist — refusals, close
// names, markers and `redacted` lists never name one. A suspension stops one handle, not the other.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LoggingMessageNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { BlindfoldError } from '../../src/errors.js';
import { createServer } from '../../src/mcp/server.js';
import { openBlindfold, type Blindfold } from '../../src/open.js';
import { Vault } from '../../src/vault/vault.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const ALPHA = `ak_${randomBytes(18).toString('hex')}`;
const BETA = `bk_${randomBytes(18).toString('hex')}`;
const NEWER = `nk_${randomBytes(18).toString('hex')}`;
const VALUES = [ALPHA, BETA, NEWER];

const task = (name: string, secret: string, origin: string) =>
  `name: ${name}\ndescription: Read a repository with ${secret}.\ninputs:\n  type: object\n  properties:\n    repo: {type: string}\n  required: [repo]\n` +
  `steps:\n  - kind: http\n    method: GET\n    url: ${origin}/repos/<inputs.repo>/info\n    secret_name: ${secret}\n`;

let root = '';
let home = '';
let stub: Stub;
let core: Blindfold;
let a: Blindfold;
let b: Blindfold;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'blindfold-handles-'));
  home = join(root, 'bf');
  stub = await startStub({ known: [BETA] });
  process.env.BLINDFOLD_MASTER_KEY = randomBytes(32).toString('base64');
  const vault = await Vault.open({ paths: resolvePaths({ home }, {}), create: true });
  vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
  await vault.set({ name: 'ALPHA_KEY', value: ALPHA, hosts: [stub.origin], placements: ['header'], inject: 'header:x-api-key:{value}' });
  await vault.set({ name: 'BETA_KEY', value: BETA, hosts: [stub.origin], placements: ['header'], inject: 'header:x-api-key:{value}' });
  mkdirSync(join(home, 'tasks'));
  writeFileSync(join(home, 'tasks', 'alpha-repo.yaml'), task('alpha-repo', 'ALPHA_KEY', stub.origin));
  writeFileSync(join(home, 'tasks', 'beta-repo.yaml'), task('beta-repo', 'BETA_KEY', stub.origin));
  core = await openBlindfold({ home, principal: 'root', allowOrigins: [stub.origin] });
  a = core.as({ principal: 'agent-a', secrets: ['ALPHA_*'], tasks: ['alpha-*', 'beta-*'] });
  b = core.as({ principal: 'agent-b', secrets: ['BETA_?EY'] });
});

afterAll(async () => {
  await core?.close();
  await stub?.close();
  rmSync(root, { recursive: true, force: true });
});

const auditEntries = () =>
  readFileSync(join(home, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { action: string; principal: string; secrets?: string[]; outcome: string });

async function refusal(work: Promise<unknown>): Promise<BlindfoldError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BlindfoldError);
  return err as BlindfoldError;
}

const call = (handle: Blindfold, secret: string, path = '/echo') =>
  handle.httpRequest({ method: 'GET', url: `${stub.origin}${path}`, headers: { 'x-api-key': `<secrets.${secret}>` } });

describe('two handles of disjoint scope on one core', () => {
  it('each lists only its own secrets and tasks', async () => {
    expect((await a.listSecrets()).map((s) => s.name)).toEqual(['ALPHA_KEY']);
    expect((await b.listSecrets()).map((s) => s.name)).toEqual(['BETA_KEY']);
    expect((await core.listSecrets()).map((s) => s.name).sort()).toEqual(['ALPHA_KEY', 'BETA_KEY']);
    // beta-repo matches a's task globs but uses a secret outside a's scope: not a's to see.
    expect(a.tasks().map((t) => t.name)).toEqual(['alpha-repo']);
    expect(b.tasks().map((t) => t.name)).toEqual(['beta-repo']);
  });

  it("the other's secret is refused exactly as one that does not exist, close names included", async () => {
    const other = await refusal(call(a, 'BETA_KEY'));
    const none = await refusal(call(a, 'GAMMA_KEY'));
    expect(other.code).toBe('SECRET_NOT_FOUND');
    expect(other.message.replace('BETA_KEY', 'X')).toBe(none.message.replace('GAMMA_KEY', 'X'));
    // A near miss of b's name suggests nothing of b to a, and a's own name to a.
    const near = await refusal(call(a, 'BETA_KEX'));
    expect(near.message).not.toContain('BETA_KEY');
    expect((await refusal(call(a, 'ALPHA_KEX'))).message).toContain('ALPHA_KEY');
    expect((await refusal(call(b, 'BETA_KEX'))).message).toContain('BETA_KEY');
    const task = await refusal(a.runTask('beta-repo', { repo: 'x/y' }));
    const noTask = await refusal(a.runTask('no-such-task', { repo: 'x/y' }));
    expect(task.code).toBe('TASK_NOT_FOUND');
    expect(task.message.replace('beta-repo', 'X')).toBe(noTask.message.replace('no-such-task', 'X'));
    expect(stub.requests.some((r) => r.headers['x-api-key'] === BETA)).toBe(false);
  });

  it('each uses its own secret and task, audited under its own principal', async () => {
    stub.reset();
    const ra = await call(a, 'ALPHA_KEY');
    const rb = await call(b, 'BETA_KEY');
    expect(stub.requests.map((r) => r.headers['x-api-key'])).toEqual([ALPHA, BETA]);
    expect(ra.redacted).toEqual(['ALPHA_KEY']);
    expect(rb.redacted).toEqual(['BETA_KEY']);
    const run = await a.runTask('alpha-repo', { repo: 'o/r' });
    expect(run.ok).toBe(true);
    const resolved = auditEntries().filter((e) => e.action === 'secret.resolve');
    expect(resolved.filter((e) => e.principal === 'agent-a').every((e) => e.secrets?.every((s) => s === 'ALPHA_KEY'))).toBe(true);
    expect(resolved.filter((e) => e.principal === 'agent-b').every((e) => e.secrets?.every((s) => s === 'BETA_KEY'))).toBe(true);
    expect(resolved.filter((e) => e.principal === 'agent-a')).toHaveLength(2);
    expect(resolved.filter((e) => e.principal === 'agent-b')).toHaveLength(1);
    expectNoTrace(JSON.stringify([ra, rb, run]), VALUES);
  });

  it("an answer carrying the other scope's value is scrubbed by a marker that names nothing", async () => {
    const shown = await a.httpRequest({ method: 'GET', url: `${stub.origin}/reflect-known?i=0&as=raw` });
    const text = JSON.stringify(shown);
    expect(text).not.toContain('BETA_KEY');
    expect(shown.redacted).toEqual([]);
    expect(shown.body).toContain('[REDACTED]');
    // The same answer to b names its own secret.
    const toB = await b.httpRequest({ method: 'GET', url: `${stub.origin}/reflect-known?i=0&as=raw` });
    expect(toB.redacted).toEqual(['BETA_KEY']);
    expectNoTrace(text + JSON.stringify(toB), VALUES);
  });

  it('a handle made from a scoped handle is never wider than it', async () => {
    const wider = a.as({ principal: 'agent-a2', secrets: ['*'] });
    expect((await wider.listSecrets()).map((s) => s.name)).toEqual(['ALPHA_KEY']);
    expect((await refusal(call(wider, 'BETA_KEY'))).code).toBe('SECRET_NOT_FOUND');
    expect(() => core.as({ principal: `sk ${ALPHA}` })).toThrow(/not repeated here/);
    expect(() => core.as({ principal: 'x', secrets: [ALPHA + '!'] })).toThrow(/not repeated here/);
  });

  it('over MCP, two in-memory clients see and use only their own', async () => {
    const connect = async (handle: Blindfold) => {
      const client = new Client({ name: handle.principal.id, version: '1.0.0' });
      const [c, s] = InMemoryTransport.createLinkedPair();
      await createServer(handle).connect(s);
      await client.connect(c);
      return client;
    };
    const [ca, cb] = [await connect(a), await connect(b)];
    try {
      expect((await ca.listTools()).tools.map((t) => t.name).sort()).toEqual(['alpha-repo', 'http_request', 'list_secrets', 'request_secret']);
      expect((await cb.listTools()).tools.map((t) => t.name).sort()).toEqual(['beta-repo', 'http_request', 'list_secrets', 'request_secret']);
      const listA = visible((await ca.callTool({ name: 'list_secrets', arguments: {} })) as CallToolResult);
      expect(listA).toContain('ALPHA_KEY');
      expect(listA).not.toContain('BETA_KEY');
      const refused = (await ca.callTool({ name: 'http_request', arguments: { method: 'GET', url: `${stub.origin}/echo`, headers: { 'x-api-key': '<secrets.BETA_KEY>' } } })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect(visible(refused)).toContain('does not exist');
      const reflected = visible((await ca.callTool({ name: 'http_request', arguments: { method: 'GET', url: `${stub.origin}/reflect-known?i=0&as=raw` } })) as CallToolResult);
      expect(reflected).not.toContain('BETA_KEY');
      const used = (await cb.callTool({ name: 'beta-repo', arguments: { repo: 'o/r' } })) as CallToolResult;
      expect(used.isError).toBeFalsy();
      expectNoTrace(listA + visible(refused) + reflected + visible(used), VALUES);
    } finally {
      await ca.close();
      await cb.close();
    }
  });

  it("a client is sent only its own principal's log lines", async () => {
    const connect = async (handle: Blindfold, into: string[]) => {
      const client = new Client({ name: handle.principal.id, version: '1.0.0' });
      client.setNotificationHandler(LoggingMessageNotificationSchema, async (n) => {
        into.push(JSON.stringify(n.params));
      });
      const [c, s] = InMemoryTransport.createLinkedPair();
      await createServer(handle).connect(s);
      await client.connect(c);
      await client.setLoggingLevel('debug');
      return client;
    };
    const [seenA, seenB]: [string[], string[]] = [[], []];
    const [ca, cb] = [await connect(a, seenA), await connect(b, seenB)];
    try {
      // b's call to a host BETA_KEY is not bound to: a warning of b's.
      const refused = (await cb.callTool({ name: 'http_request', arguments: { method: 'GET', url: 'http://127.0.0.1:9/x', headers: { 'x-api-key': '<secrets.BETA_KEY>' } } })) as CallToolResult;
      expect(refused.isError).toBe(true);
      await Promise.all([ca.ping(), cb.ping()]);
      expect(seenB.some((line) => line.includes('"principal":"agent-b"') && line.includes('request refused'))).toBe(true);
      expect(seenA.filter((line) => line.includes('BETA_KEY') || line.includes('agent-b'))).toEqual([]);
      // A notification carries no field of text the agent chose (its origin, the names it wrote).
      expect(seenB.filter((line) => /"(origin|secrets|method|path)"/.test(line))).toEqual([]);
    } finally {
      await ca.close();
      await cb.close();
    }
  });

  it('a suspension stops the principal that tripped the wire, and only it', async () => {
    const tripped = await refusal(a.httpRequest({ method: 'POST', url: `${stub.origin}/echo`, body: `guess ${BETA}` }));
    expect(tripped.message).not.toContain('BETA_KEY');
    expect((await refusal(call(a, 'ALPHA_KEY'))).code).toBe('PRINCIPAL_SUSPENDED');
    expect((await call(b, 'BETA_KEY')).status).toBe(200);
    expect((await core.admin.suspended()).map((s) => s.principal)).toEqual(['agent-a']);
    expect(await core.admin.clear('agent-a')).toBe(true);
    expect((await call(a, 'ALPHA_KEY')).status).toBe(200);
  });

  it("the admin handle's changes reach every handle, audited under the admin's principal", async () => {
    await core.admin.set({ name: 'ALPHA_NEW', value: NEWER, hosts: [stub.origin], placements: ['header'] });
    expect((await a.listSecrets()).map((s) => s.name).sort()).toEqual(['ALPHA_KEY', 'ALPHA_NEW']);
    expect((await b.listSecrets()).map((s) => s.name)).toEqual(['BETA_KEY']);
    stub.reset();
    await call(a, 'ALPHA_NEW');
    expect(stub.requests[0]!.headers['x-api-key']).toBe(NEWER);
    expect((await refusal(core.admin.remove('ALPHA_KEY'))).code).toBe('SECRET_IN_USE');
    const set = auditEntries().find((e) => e.action === 'secret.create' && e.secrets?.includes('ALPHA_NEW'));
    expect(set?.principal).toBe('plugin:root');
    expectNoTrace(readFileSync(join(home, 'audit.jsonl'), 'utf8'), VALUES, 'audit trail');
  });
});
