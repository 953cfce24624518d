// Red team 12: the runtime plugins (src/plugins) validate a tool call's arguments before anything
// screens them, the order red team 11 closed for the MCP door (src/mcp/screen-calls.ts screens
// every tools/call as sent, before the SDK parses it).
//
// Mechanism: pluginTool.call (src/plugins/tools.ts) runs `z.object(definition.inputSchema).safeParse`
// first. On failure it throws BAD_INPUT with `issuesOf`, which joins zod's issue paths verbatim (a
// record key the agent wrote, e.g. a header name, is quoted as `headers.<key>`); on success zod has
// stripped every key the schema does not declare (and a task tool's unknown input keys), and only
// the stripped object reaches the handle (Broker.screenInput in httpRequest, runTask). A list_secrets
// call is never screened at all on this door (Broker.listSecrets does not screen its filter).
// So a guess written
//  - in an argument key the schema does not know,
//  - in a header name whose value fails the schema (also echoed verbatim in the refusal),
//  - in a task tool's undeclared input,
//  - in list_secrets' filter,
//  - in an undeclared key of a task's object input (zod's `unrecognized_keys` message quotes it,
//    and issuesOf repeats zod's messages as they are, unlike src/tasks/problem-text.ts zodIssueText),
// never reaches the tripwire on the AI SDK / LangChain / OpenAI Agents adapters: no refusal, no
// request.attack, no suspension (promise 4a), while the same call over MCP (including the Claude
// Agent SDK adapter, which is the MCP server) suspends the principal. Severity: medium — a plugin
// path skips the input screening the MCP path applies; an agent can probe without ever being stopped
// (no oracle by itself: right and wrong guesses are answered alike). Also, low: a suspended
// principal's call with arguments that fail the schema is answered BAD_INPUT (with zod's paths)
// instead of PRINCIPAL_SUSPENDED, which the MCP door answers before parsing anything.
// Root cause: src/plugins/tools.ts pluginTool.call (parse first; no blindfold.screenAgentInput on
// the raw args, as src/mcp/screen-calls.ts does) and issuesOf (paths and messages verbatim).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { RunContext } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold, type Blindfold } from '../../src/index.js';
import { blindfoldTools as aiSdkTools } from '../../src/plugins/ai-sdk.js';
import { blindfoldTools as langchainTools } from '../../src/plugins/langchain.js';
import { blindfoldTools as openaiTools } from '../../src/plugins/openai-agents.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';
import { survivingWindow } from '../helpers/windows.js';

const KEY = `rt12-${randomBytes(16).toString('hex')}Qz`;
const GUESS = KEY.slice(5, 21);

let up: Listening;
let t: TempHome;
let hits = 0;

beforeAll(async () => {
  up = await listenOn(
    createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }),
  );
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(
    join(t.home, 'tasks', 'ping.yaml'),
    `name: ping
description: Ping the stub with the key.
inputs:
  type: object
  properties:
    note: {type: string}
steps:
  - kind: http
    method: GET
    url: ${up.url}/ping
    secret_name: KEY
`,
  );
  writeFileSync(
    join(t.home, 'tasks', 'tag.yaml'),
    `name: tag
description: Tag an item of the stub.
inputs:
  type: object
  properties:
    meta:
      type: object
      properties:
        label: {type: string}
steps:
  - kind: http
    method: POST
    url: ${up.url}/tag
    json: {meta: "<inputs.meta>"}
    secret_name: KEY
`,
  );
});

afterAll(async () => {
  t.cleanup();
  await up.close();
});

/** Whether the principal is suspended now: an honest call after the guess is refused as such. */
async function suspendedAfter(blindfold: Blindfold): Promise<boolean> {
  try {
    await blindfold.httpRequest({ method: 'GET', url: `${up.url}/after` });
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'PRINCIPAL_SUSPENDED';
  }
}

async function withHandle(principal: string, work: (b: Blindfold) => Promise<void>): Promise<void> {
  const blindfold = await openBlindfold({ home: t.home, principal });
  try {
    await work(blindfold);
  } finally {
    await blindfold.close();
  }
}

const settle = async <T>(p: Promise<T>): Promise<string> => {
  try {
    return JSON.stringify(await p);
  } catch (err) {
    return `${String(err)} ${JSON.stringify(err)}`;
  }
};

describe('redteam12: a guess in a plugin tool call trips the wire as it does over MCP', () => {
  it('OpenAI Agents: in an argument key the schema strips', async () => {
    await withHandle('rt12-oa-strip', async (b) => {
      const tool = openaiTools(b).find((x) => x.name === 'http_request')!;
      await settle(tool.invoke(new RunContext({}), JSON.stringify({ method: 'GET', url: `${up.url}/x`, [GUESS]: 'note' })));
      expect(await suspendedAfter(b)).toBe(true);
    });
  });

  it('OpenAI Agents: in a header name whose value fails the schema (not echoed, and tripped)', async () => {
    await withHandle('rt12-oa-header', async (b) => {
      const tool = openaiTools(b).find((x) => x.name === 'http_request')!;
      const seen = await settle(tool.invoke(new RunContext({}), JSON.stringify({ method: 'GET', url: `${up.url}/x`, headers: { [GUESS]: 5 } })));
      expect(survivingWindow(seen, KEY) === null, 'the refusal quotes the guessed header name').toBe(true);
      expect(await suspendedAfter(b)).toBe(true);
    });
  });

  it("Vercel AI SDK: in a task tool's undeclared input (zod strips it before runTask screens)", async () => {
    await withHandle('rt12-ai-task', async (b) => {
      const tools = aiSdkTools(b);
      const before = hits;
      await settle(Promise.resolve(tools.ping!.execute!({ note: 'hello', [GUESS]: 'x' }, { toolCallId: 'c1', messages: [] })));
      // Either refused before anything was sent, or sent and the principal stopped after: never a quiet pass.
      const sent = hits > before;
      expect(sent && !(await suspendedAfter(b)), 'the task ran with the guess unscreened and the principal was not stopped').toBe(false);
      expect(await suspendedAfter(b)).toBe(true);
    });
  });

  it('LangChain: in list_secrets filter', async () => {
    await withHandle('rt12-lc-filter', async (b) => {
      const tool = langchainTools(b).find((x) => x.name === 'list_secrets')!;
      await settle(tool.invoke({ name: 'list_secrets', args: { filter: GUESS }, id: 'call-1', type: 'tool_call' }));
      expect(await suspendedAfter(b)).toBe(true);
    });
  });

  it("OpenAI Agents: in an undeclared key of a task's object input (not echoed, and tripped)", async () => {
    await withHandle('rt12-oa-nested', async (b) => {
      const tool = openaiTools(b).find((x) => x.name === 'tag')!;
      const seen = await settle(tool.invoke(new RunContext({}), JSON.stringify({ meta: { label: 'x', [GUESS]: 'y' } })));
      expect(survivingWindow(seen, KEY) === null, 'the refusal quotes the guessed key').toBe(true);
      expect(await suspendedAfter(b)).toBe(true);
    });
  });

  it('OpenAI Agents: a suspended principal is refused as suspended before its arguments are parsed (as over MCP)', async () => {
    await withHandle('rt12-oa-suspended', async (b) => {
      await settle(b.screenAgentInput({ note: GUESS }));
      expect(await suspendedAfter(b)).toBe(true);
      const tool = openaiTools(b).find((x) => x.name === 'http_request')!;
      const seen = await settle(tool.invoke(new RunContext({}), JSON.stringify({ method: 'FETCH', url: 42 })));
      expect(seen).toContain('PRINCIPAL_SUSPENDED');
    });
  });

  it('reference: the same task call through the library handle (unparsed) trips the wire', async () => {
    await withHandle('rt12-lib-task', async (b) => {
      await settle(b.runTask('ping', { note: 'hello', [GUESS]: 'x' }));
      expect(await suspendedAfter(b)).toBe(true);
    });
  });
});
