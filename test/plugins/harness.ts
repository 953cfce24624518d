// What every runtime adapter test shares: a temp home with two secrets and a task file, two
// loopback stubs (one bound, one not), and the same scenarios driven through each runtime's own
// agent loop by a scripted offline model that calls one tool, then answers with what it was given.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { toolDefinitions } from '../../src/mcp/definitions.js';
import { createServer } from '../../src/mcp/server.js';
import { openBlindfold, type OpenBlindfoldOptions } from '../../src/open.js';
import { SuspensionList } from '../../src/policy/suspensions.js';
import { Vault } from '../../src/vault/vault.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';
import { stateFile } from '../helpers/state-file.js';

export const GH_VALUE = `ghp_${randomBytes(18).toString('hex')}`;
export const KEY_VALUE = `key_${randomBytes(18).toString('hex')}`;
export const VALUES = [GH_VALUE, KEY_VALUE];

export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
}

/** What one run of a runtime's agent loop left behind, for the checks. */
export interface AgentRun {
  /** The final answer the runtime returned. */
  answer: string;
  /** Every request the runtime made to the model (messages, tools), as the model received it. */
  modelInputs: unknown[];
  /** The tools as the runtime described them to the model: name, description, JSON Schema. */
  toolsSeen: Array<{ name: string; description?: string; parameters: unknown }>;
  /** The runtime's own record of the run (result object, history, steps). */
  trace: unknown;
}

/** Runs the runtime's real loop with a model scripted to make `call`, then echo the tool's answer. */
export type Driver = (call: ToolCall, options: OpenBlindfoldOptions) => Promise<AgentRun>;

export interface World {
  stub: Stub;
  other: Stub;
  options: OpenBlindfoldOptions;
  audit(): string;
}

/** Everything a runtime could have kept, in one string: JSON where it serialises, inspect otherwise. */
export function dump(value: unknown): string {
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    // circular: inspect below still walks it
  }
  return `${json}\n${inspect(value, { depth: 40, maxArrayLength: null, maxStringLength: null, breakLength: Infinity, getters: true })}`;
}

/** The answer a scripted model gives once it has seen a tool's result: that result, verbatim. */
export const answerWith = (toolOutput: string) => `The tool said: ${toolOutput}`;

const getRepo = (origin: string) => `name: get_repo
description: Read a repository of the stub API by path (GET only).
inputs:
  type: object
  properties:
    repo: {type: string, description: "owner/name"}
  required: [repo]
steps:
  - kind: http
    method: GET
    url: ${origin}/repos/<inputs.repo>/info
    secret_name: X_KEY
`;

export function startWorld(principal: string): World {
  const world = {} as World;
  let root = '';
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), `blindfold-plugin-${principal}-`));
    const home = join(root, 'bf');
    world.stub = await startStub();
    world.other = await startStub();
    process.env.BLINDFOLD_MASTER_KEY = randomBytes(32).toString('base64');
    const vault = await Vault.open({ paths: resolvePaths({ home }, {}), create: true });
    vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
    await vault.set({ name: 'GH_TOKEN', value: GH_VALUE, hosts: [world.stub.origin], placements: ['header'] });
    await vault.set({ name: 'X_KEY', value: KEY_VALUE, hosts: [world.stub.origin], inject: 'header:x-api-key:{value}' });
    mkdirSync(join(home, 'tasks'), { recursive: true });
    writeFileSync(join(home, 'tasks', 'get-repo.yaml'), getRepo(world.stub.origin));
    world.options = { home, principal, allowOrigins: [world.stub.origin] };
    world.audit = () => readFileSync(vault.paths.audit, 'utf8');
  });
  afterAll(async () => {
    await world.stub?.close();
    await world.other?.close();
    rmSync(root, { recursive: true, force: true });
  });
  return world;
}

function expectNoValueAnywhere(run: AgentRun): void {
  expectNoTrace(run.answer, VALUES, 'final answer');
  expectNoTrace(dump(run.modelInputs), VALUES, 'what the runtime passed to the model');
  expectNoTrace(dump(run.trace), VALUES, "the runtime's trace");
}

/** The same input through the MCP server in process: the reference every adapter must match. */
async function overMcp(world: World, call: ToolCall): Promise<CallToolResult> {
  const blindfold = await openBlindfold({ ...world.options, principal: 'mcp-reference' });
  const client = new Client({ name: 'reference', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createServer(blindfold).connect(serverSide);
  await client.connect(clientSide);
  try {
    return (await client.callTool({ name: call.name, arguments: call.args })) as CallToolResult;
  } finally {
    await client.close();
    await blindfold.close();
  }
}

/** Inputs a task's caller might write to move its request to another path, origin or header. */
const MOVES = ['..', '.', '../admin', '@127.0.0.1:OTHERPORT', '//127.0.0.1:OTHERPORT/x', 'a\r\nHost: 127.0.0.1:OTHERPORT', 'a%2F..%2F..%2Fb'];

/** The acceptance of issue 12, for one runtime: its real loop, a scripted model, no trace of a value. */
export function describeRuntime(runtime: string, principal: string, drive: Driver): void {
  const world = startWorld(principal);

  describe(`${runtime}: a real agent loop with a scripted model`, () => {
    it('sends the value to the bound stub; nothing the model, the answer or the trace holds has it', async () => {
      world.stub.reset();
      const run = await drive({ name: 'http_request', args: { method: 'GET', url: `${world.stub.origin}/echo`, headers: { Authorization: 'Bearer <secrets.GH_TOKEN>' } } }, world.options);
      expect(world.stub.requests).toHaveLength(1);
      expect(world.stub.requests[0]!.headers.authorization).toBe(`Bearer ${GH_VALUE}`);
      // The stub echoed the header back: the model saw the echo, scrubbed, and said so.
      expect(run.answer).toContain('"redacted":["GH_TOKEN"]');
      expect(run.answer).toContain('/echo');
      expectNoValueAnywhere(run);
      expect(world.audit()).toContain(`"plugin:${principal}"`);
      expect(world.audit()).not.toContain(GH_VALUE);
    });

    it('a call aimed at an unbound origin comes back to the model as a tool error, and nothing is sent', async () => {
      world.stub.reset();
      world.other.reset();
      const run = await drive({ name: 'http_request', args: { method: 'GET', url: `${world.other.origin}/echo`, headers: { Authorization: 'Bearer <secrets.GH_TOKEN>' } } }, world.options);
      expect(run.answer).toContain('HOST_NOT_ALLOWED');
      expect(run.answer).not.toMatch(/\n\s+at /);
      expect(world.other.requests).toHaveLength(0);
      expect(world.other.connections()).toBe(0);
      expect(world.stub.requests).toHaveLength(0);
      expectNoValueAnywhere(run);
    });

    it("describes the tools with the MCP server's names, descriptions and input schemas, a task's included", async () => {
      const run = await drive({ name: 'list_secrets', args: {} }, world.options);
      const seen = Object.fromEntries(run.toolsSeen.map((t) => [t.name, t]));
      expect(Object.keys(seen).sort()).toEqual(['get_repo', 'http_request', 'list_secrets']);
      expect(seen.http_request!.description).toBe(toolDefinitions.http_request.description);
      expect(seen.http_request!.parameters).toMatchObject({ properties: { method: { enum: expect.arrayContaining(['GET', 'POST']) } }, required: expect.arrayContaining(['method', 'url']) });
      expect(seen.get_repo!.parameters).toMatchObject({ properties: { repo: { type: 'string', description: 'owner/name' } }, required: ['repo'] });
      expect(run.answer).toContain('"name":"GH_TOKEN"');
      expectNoValueAnywhere(run);
    });

    it('runs a task file as a tool: the injected key reaches the stub, the model gets it scrubbed', async () => {
      world.stub.reset();
      const run = await drive({ name: 'get_repo', args: { repo: 'acme' } }, world.options);
      expect(world.stub.requests.map((r) => [r.url, r.headers['x-api-key']])).toEqual([['/repos/acme/info', KEY_VALUE]]);
      expect(run.answer).toContain('"ok":true');
      expectNoValueAnywhere(run);
    });

    it('refuses task inputs that do not fit the schema as MCP does, sending nothing', async () => {
      world.stub.reset();
      const call = { name: 'get_repo', args: { repo: 42 } };
      expect(visible(await overMcp(world, call))).toMatch(/repo/);
      const run = await drive(call, world.options);
      expect(run.answer).toMatch(/repo/);
      expect(run.answer).not.toContain('"ok":true');
      expect(world.stub.requests).toHaveLength(0);
    });

    it('a suspended principal is refused through the runtime as at every other door: nothing sent, and lifting it lets calls through', async () => {
      const suspensions = SuspensionList.in(stateFile(resolvePaths({ home: world.options.home! }, {}).suspensions));
      await suspensions.suspend(`plugin:${principal}`, 'test: a tripwire hit');
      await suspensions.settled();
      const call = { name: 'http_request', args: { method: 'GET', url: `${world.stub.origin}/echo`, headers: { Authorization: 'Bearer <secrets.GH_TOKEN>' } } };
      try {
        world.stub.reset();
        const refused = await drive(call, world.options);
        expect(refused.answer).toContain('PRINCIPAL_SUSPENDED');
        expect(world.stub.requests).toHaveLength(0);
        world.stub.reset();
        const task = await drive({ name: 'get_repo', args: { repo: 'acme' } }, world.options);
        expect(task.answer).toContain('PRINCIPAL_SUSPENDED');
        expect(world.stub.requests).toHaveLength(0);
        expectNoValueAnywhere(refused);
      } finally {
        await suspensions.clear(`plugin:${principal}`);
      }
      world.stub.reset();
      await drive(call, world.options);
      expect(world.stub.requests).toHaveLength(1);
    });

    for (const raw of MOVES) {
      it(`a task input crafted to move the request is kept on the task's origin or refused, as over MCP: ${JSON.stringify(raw)}`, async () => {
        const call = { name: 'get_repo', args: { repo: raw.replace(/OTHERPORT/g, String(world.other.port)) } };
        world.stub.reset();
        world.other.reset();
        const reference = await overMcp(world, call);
        const sentOverMcp = world.stub.requests.map((r) => r.url);
        world.stub.reset();
        const run = await drive(call, world.options);
        expect(world.other.connections()).toBe(0);
        expect(world.stub.requests.map((r) => r.url)).toEqual(sentOverMcp);
        for (const url of sentOverMcp) expect(url).toMatch(/^\/repos\/.*\/info$/);
        if (reference.isError) {
          const code = /"text":"([A-Z_]+):/.exec(visible(reference))![1]!;
          expect(run.answer).toContain(`${code}:`);
        } else {
          expect(run.answer).toContain('"ok":true');
        }
        expectNoValueAnywhere(run);
      });
    }
  });
}
