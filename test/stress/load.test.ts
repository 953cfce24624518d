// SPEC §11: 1,000 concurrent calls over one stdio session, zero errors, zero leaks, and an audit
// chain that still verifies with one resolve and one sent entry per call. Bounded: ~1-3 s here.
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { visible } from '../helpers/mcp.js';
import { serveWithStub } from '../helpers/served.js';
import { expectNoTrace, expectOutcome } from '../helpers/traces.js';

const VALUE = 'load-test-Value+/="&<>-1234567890';
const s = serveWithStub({
  seed: async (t, stub) => {
    expect(runCli(['init'], { env: t.env }).code).toBe(0);
    expect(runCli(['set', 'LOAD_KEY', '--host', stub.origin, '--placement', 'header', '--placement', 'body'], { env: t.env, input: VALUE }).code).toBe(0);
  },
  secrets: [VALUE],
  atRest: true,
});

it('1,000 concurrent http_request calls: no error, no leak, every call audited', async () => {
  const results = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      s.session.client.callTool(
        { name: 'http_request', arguments: { method: 'POST', url: `${s.stub.url}/echo?i=${i}`, headers: { Authorization: 'Bearer <secrets.LOAD_KEY>' }, body: 'k=<secrets.LOAD_KEY>' } },
        undefined,
        { timeout: 60_000 },
      ),
    ),
  );
  expect(results.filter((r) => r.isError)).toEqual([]);
  expect(s.stub.requests).toHaveLength(1000);
  expect(s.stub.requests.every((r) => r.headers.authorization === `Bearer ${VALUE}`)).toBe(true);
  for (const r of results as Array<Parameters<typeof visible>[0]>) {
    expectOutcome(r, { redacted: ['LOAD_KEY'] });
    expectNoTrace(visible(r), [VALUE]);
  }

  const listed = await s.session.call('list_secrets', {});
  expect((listed.structuredContent as { secrets: Array<{ useCount: number }> }).secrets[0]!.useCount).toBe(1000);
  const verify = runCli(['audit', 'verify', '--json'], { env: s.t.env });
  expect(verify.code, verify.stdout).toBe(0);
  expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, entries: 2001 });
}, 120_000);
