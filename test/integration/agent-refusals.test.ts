// Refusals never teach an agent to widen its own access (issue 20 item 2): what the agent reads
// says who decides, never the command; the admin gets the command from the CLI's error output and
// from `blindfold audit`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedVault } from '../helpers/inprocess.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';

let t: TempHome;
let stub: Stub;
let session: StdioSession;
beforeAll(async () => {
  t = tempHome();
  stub = await startStub();
  await seedVault(t.env, [{ name: 'BOUND_KEY', value: 'bound-value-Kq7Wz2Rx9Lm4Tn8', hosts: [stub.origin], placements: ['header'] }]);
  session = await connectStdio(t.env);
});
afterAll(async () => {
  await session.close();
  await stub.close();
  t.cleanup();
});

/** Any `blindfold …` command, or a flag of one, in what the agent sees. */
const COMMAND = /blindfold (set|clear|rm|rollback|serve)|--host|--placement|--allow-origin|--keep-value/;

describe('a refusal an agent reads', () => {
  it.each([
    ['a host the secret is not bound to', { method: 'GET', url: 'https://elsewhere.example/', headers: { Authorization: 'Bearer <secrets.BOUND_KEY>' } }, 'HOST_NOT_ALLOWED'],
    ['a placement the secret does not allow', { method: 'GET', url: 'STUB/x', query: { key: '<secrets.BOUND_KEY>' } }, 'PLACEMENT_NOT_ALLOWED'],
    ['a private address', { method: 'GET', url: 'http://10.0.0.1/' }, 'ADDRESS_NOT_ALLOWED'],
  ])('%s says who decides, not how', async (_label, input, code) => {
    const args = JSON.parse(JSON.stringify(input).replace('STUB', stub.url)) as Record<string, unknown>;
    const r = await session.call('http_request', args);
    expect(r.isError).toBe(true);
    expect(visible(r)).toContain(code);
    expect(visible(r)).toMatch(/only an admin/i);
    expect(visible(r)).not.toMatch(COMMAND);
  });
});

describe('the admin', () => {
  it('gets the fix from the audit table', () => {
    const r = runCli(['audit', '--action', 'request.denied'], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('fix: blindfold set BOUND_KEY --keep-value --host');
    expect(r.stdout).toContain('fix: blindfold set BOUND_KEY --keep-value --placement');
  });

  it('gets the fix from the CLI when a command of its own is refused', () => {
    const r = runCli(['exec', '-s', 'BOUND_KEY', '--env', 'production', '--', 'true'], { env: t.env });
    expect(r.stderr).toContain('NO_VALUE_FOR_ENVIRONMENT');
    expect(r.stderr).toContain('blindfold: fix: blindfold set BOUND_KEY --env production');
  });
});
