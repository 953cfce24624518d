// SPEC §11: 1,000 concurrent calls over one stdio session, zero errors, zero leaks, and an audit
// chain that still verifies with one resolve and one sent entry per call. Bounded: ~1-3 s here.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { filesContaining, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';

const VALUE = 'load-test-Value+/="&<>-1234567890';
let t: TempHome;
let stub: Stub;
let session: StdioSession;

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  expect(runCli(['set', 'LOAD_KEY', '--host', stub.origin, '--placement', 'header', '--placement', 'body'], { env: t.env, input: VALUE }).code).toBe(0);
  session = await connectStdio(t.env);
});

afterAll(async () => {
  await session?.close();
  await stub?.close();
  expectNoTrace(session.stderr(), [VALUE], 'server stderr');
  expect(filesContaining(t.home, [VALUE])).toEqual([]);
  t.cleanup();
});

it('1,000 concurrent http_request calls: no error, no leak, every call audited', async () => {
  const results = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      session.client.callTool(
        { name: 'http_request', arguments: { method: 'POST', url: `${stub.url}/echo?i=${i}`, headers: { Authorization: 'Bearer <secrets.LOAD_KEY>' }, body: 'k=<secrets.LOAD_KEY>' } },
        undefined,
        { timeout: 60_000 },
      ),
    ),
  );
  expect(results.filter((r) => r.isError)).toEqual([]);
  expect(stub.requests).toHaveLength(1000);
  expect(stub.requests.every((r) => r.headers.authorization === `Bearer ${VALUE}`)).toBe(true);
  for (const r of results as Array<Parameters<typeof visible>[0]>) {
    expectOutcome(r, { redacted: ['LOAD_KEY'] });
    expectNoTrace(visible(r), [VALUE]);
  }

  const listed = await session.call('list_secrets', {});
  expect((listed.structuredContent as { secrets: Array<{ useCount: number }> }).secrets[0]!.useCount).toBe(1000);
  const verify = runCli(['audit', 'verify', '--json'], { env: t.env });
  expect(verify.code, verify.stdout).toBe(0);
  expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, entries: 2001 });
}, 120_000);
