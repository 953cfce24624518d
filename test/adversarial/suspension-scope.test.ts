// Issue 18 item 5: suspension hits the guesser, not the fleet. Each stdio client is a principal of
// its own (its name at MCP initialize plus the server entry, or `serve --principal`), fixed before
// the first tool call and never renamed; a restart of the same entry keeps its suspension; a second
// stdio suspension on one home within a day suspends every stdio principal (`stdio:*`) until a
// human clears it; and suspension writes from many processes at once never lose one another.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InitializeResultSchema, LATEST_PROTOCOL_VERSION, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';
import { stdioPrincipalId } from '../../src/mcp/stdio.js';
import { CountedAllowance } from '../../src/policy/allowance.js';
import { TripQuarantine } from '../../src/policy/quarantine.js';
import { stateFile } from '../helpers/state-file.js';
import { resolvePaths } from '../../src/config.js';
import { Vault } from '../../src/vault/vault.js';

const VALUE = 'scope-Qv8Rk3Lm7Tz2Wn5Xp9Bc4Hd';

let t: TempHome;
let stub: Stub;
const open: Agent[] = [];

interface Agent {
  client: Client;
  stderr: () => string;
  legit(): Promise<CallToolResult>;
  guess(): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** A stdio server started the way an MCP client starts it, with this client name and these serve flags. */
async function agent(clientName: string, serveArgs: string[] = []): Promise<Agent> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve', ...serveArgs], env: t.env as Record<string, string>, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const client = new Client({ name: clientName, version: '1.0.0' });
  await client.connect(transport);
  const call = async (args: Record<string, unknown>) => (await client.callTool({ name: 'http_request', arguments: args })) as CallToolResult;
  const a: Agent = {
    client,
    stderr: () => stderr,
    legit: () => call({ method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.SCOPE_KEY>' } }),
    guess: () => call({ method: 'POST', url: `${stub.url}/echo`, body: `try=${VALUE}` }),
    close: () => client.close(),
  };
  open.push(a);
  return a;
}

const code = (r: CallToolResult) => (r.structuredContent as { code?: string } | undefined)?.code ?? visible(r);
const suspended = () => {
  const r = runCli(['suspended', '--json'], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Array<{ principal: string; reason: string }>);
};
const clear = (...args: string[]) => {
  const r = runCli(['clear', ...args], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

// A home per test: the day's record of suspensions is the home's, and each test starts with none.
beforeAll(async () => {
  stub = await startStub();
});
beforeEach(async () => {
  t = tempHome();
  await seedSecret(t.env, 'SCOPE_KEY', VALUE, '--host', stub.origin, '--placement', 'header', '--placement', 'body');
});
afterEach(async () => {
  for (const a of open.splice(0)) {
    await a.close().catch(() => {});
    expectNoTrace(a.stderr(), [VALUE], 'server stderr');
  }
  t.cleanup();
});
afterAll(async () => {
  await stub?.close();
});

describe('suspension scope', () => {
  it("one client's guess suspends that client only; another client on the same home keeps working", async () => {
    const guesser = await agent('guessing-client', ['--principal', 'claude-desktop']);
    const other = await agent('Visual Studio Code');
    expect((await guesser.legit()).isError).toBeFalsy();
    const tripped = await guesser.guess();
    expect(code(tripped)).toContain('REQUEST_REFUSED');
    expect(visible(tripped)).toContain('stdio:claude-desktop');
    expect(code(await guesser.legit())).toContain('PRINCIPAL_SUSPENDED');

    const r = await other.legit();
    expect(r.isError, visible(r)).toBeFalsy();
    expect(suspended().map((e) => e.principal)).toEqual(['stdio:claude-desktop']);
    // The audit trail names the guesser, and the other client's use under its own name.
    const attacks = JSON.parse(runCli(['audit', '--action', 'request.attack', '--json'], { env: t.env }).stdout) as Array<{ principal: string }>;
    expect(attacks.map((e) => e.principal)).toEqual(['stdio:claude-desktop']);
    const sent = JSON.parse(runCli(['audit', '--action', 'request.sent', '--json'], { env: t.env }).stdout) as Array<{ principal: string }>;
    expect(new Set(sent.map((e) => e.principal))).toEqual(new Set(['stdio:claude-desktop', expect.stringMatching(/^stdio:Visual-Studio-Code:[0-9a-f]{8}$/)]));
  });

  it('learns the principal at initialize and never renames it: a second initialize changes nothing', async () => {
    const a = await agent('first name');
    await a.client.request(
      { method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'innocent-bystander', version: '1' } } },
      InitializeResultSchema,
    );
    await a.guess();
    const [entry, ...rest] = suspended();
    expect(rest).toEqual([]);
    expect(entry?.principal).toMatch(/^stdio:first-name:[0-9a-f]{8}$/);
    // Another client that really is called innocent-bystander is not suspended.
    const bystander = await agent('innocent-bystander');
    expect((await bystander.legit()).isError).toBeFalsy();
  });

  it('keeps a suspension across a restart of the same server entry', async () => {
    const first = await agent('restarting-client');
    await first.guess();
    await first.close();
    const again = await agent('restarting-client');
    expect(code(await again.legit())).toContain('PRINCIPAL_SUSPENDED');
  });

  it('a second suspension within a day suspends every stdio principal of the home, until `clear stdio:*`', async () => {
    const one = await agent('client-one', ['--principal', 'one']);
    const two = await agent('client-two', ['--principal', 'two']);
    const bystander = await agent('client-three', ['--principal', 'three']);
    await one.guess();
    expect((await bystander.legit()).isError).toBeFalsy();
    // The first is cleared by an admin; the day's record remains, so the next trip is the second.
    clear('stdio:one');
    await two.guess();
    const list = suspended();
    expect(list.map((e) => e.principal).sort()).toEqual(['stdio:*', 'stdio:two']);
    expect(list.find((e) => e.principal === 'stdio:*')?.reason).toMatch(/second stdio suspension .*within a day.*stdio:one, stdio:two/);
    expect(code(await bystander.legit())).toContain('PRINCIPAL_SUSPENDED');
    expect(code(await one.legit())).toContain('PRINCIPAL_SUSPENDED');

    // `blindfold clear` with nothing named lists them, and says how to lift the wildcard.
    const listing = runCli(['clear'], { env: t.env });
    expect(listing.code, listing.stderr).toBe(0);
    expect(listing.stdout).toMatch(/stdio:\*\s+\S+\s+a second stdio suspension/);
    expect(listing.stdout).toContain("'stdio:*' for the stdio wildcard");
    // Clearing one principal while the wildcard stands is refused with the way out.
    const refused = runCli(['clear', 'stdio:three'], { env: t.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("blindfold clear 'stdio:*'");
    expect(clear('stdio:*')).toContain('cleared stdio:*');
    expect((await bystander.legit()).isError).toBeFalsy();
    expect((await one.legit()).isError).toBeFalsy();
    expect(code(await two.legit())).toContain('PRINCIPAL_SUSPENDED');
    const verify = runCli(['audit', 'verify'], { env: t.env });
    expect(verify.code, verify.stdout).toBe(0);
  });

  it('loses no suspension when many processes suspend at once (locked read-modify-write)', async () => {
    const path = join(t.home, 'suspended.json');
    const script = `
      const { SuspensionList } = await import(${JSON.stringify(join(REPO, 'dist/policy/suspensions.js'))});
      const { fileHomeState } = await import(${JSON.stringify(join(REPO, 'dist/store/home-state.js'))});
      const list = SuspensionList.in(fileHomeState({ suspensions: process.argv[1] }));
      await Promise.all(Array.from({ length: 5 }, (_, i) => list.suspend('plugin:p' + process.argv[2] + '-' + i, 'test')));
    `;
    const runs = Array.from({ length: 4 }, (_, n) =>
      new Promise<number | null>((resolve) => spawn(process.execPath, ['--input-type=module', '-e', script, path, String(n)], { stdio: 'inherit' }).on('close', resolve)),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    expect(suspended()).toHaveLength(20);
  });

  it('`clear PRINCIPAL` gives back its partial-hit allowance; `clear --origin` lifts a quarantine; both on record', async () => {
    // Spent and tripped in the files of the previous release: the vault reads them until it holds
    // its own (src/store/store-cell.ts), and its first change starts from them.
    const allowance = CountedAllowance.in(stateFile(join(t.home, 'allowance.json')));
    await allowance.spend('stdio:spender');
    await allowance.spend('stdio:spender');
    await allowance.spend('stdio:other');
    const quarantine = TripQuarantine.in(stateFile(join(t.home, 'quarantine.json')));
    await quarantine.recordTrip(`${stub.origin}/planted`);
    await quarantine.recordTrip(`${stub.origin}/planted-again`);
    expect(runCli(['suspended'], { env: t.env }).stdout).toMatch(new RegExp(`${stub.origin.replace(/[.]/g, '\\.')}\\s+2\\s+\\d{4}-`));

    const stored = async () => (await Vault.open({ paths: resolvePaths({}, t.env), env: t.env })).state;
    expect(CountedAllowance.in(await stored()).used('stdio:spender')).toBe(2);
    expect(TripQuarantine.in(await stored()).isQuarantined(stub.origin)).toBe(true);
    expect(clear('stdio:spender')).toContain('reset the partial-hit allowance of stdio:spender');
    expect(CountedAllowance.in(await stored()).used('stdio:spender')).toBe(0);
    expect(CountedAllowance.in(await stored()).used('stdio:other')).toBe(1);
    expect(clear('--origin', `${stub.origin}/`)).toContain(`lifted the quarantine of ${stub.origin}`);
    expect(TripQuarantine.in(await stored()).isQuarantined(stub.origin)).toBe(false);
    const notAgain = runCli(['clear', '--origin', stub.origin], { env: t.env });
    expect(notAgain.code).toBe(2);

    const cleared = JSON.parse(runCli(['audit', '--action', 'principal.cleared', '--json'], { env: t.env }).stdout) as Array<{ reason: string; origin?: string }>;
    expect(cleared.map((e) => e.reason)).toEqual([`reset the partial-hit allowance of stdio:spender`, `cleared the quarantine of ${stub.origin}`]);
    expect(cleared[1]?.origin).toBe(stub.origin);
  });

  it('keeps a client-chosen name to letters, digits, _ . - (it reaches the audit trail and admin terminals)', () => {
    const id = stdioPrincipalId({ clientName: '\u202Eevil\u001b[2J name\u200B', instance: '0123abcd' });
    expect(id).toBe('stdio:evil-2J-name:0123abcd');
    expect(stdioPrincipalId({ clientName: '\u202E\u2066', instance: '0123abcd' })).toBe('stdio:client:0123abcd');
    expect(stdioPrincipalId({ name: 'claude-desktop', clientName: 'ignored', instance: '0123abcd' })).toBe('stdio:claude-desktop');
  });
});
