// The library is quiet (issue 20 item 5): code that imports blindfold-mcp and calls it — a refused
// call that Blindfold logs, a call that goes through — gets nothing on its own stdout or stderr.
// Given a logger, the same lines reach that logger instead, already scrubbed.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempHome, type TempHome } from '../helpers/cli.js';
import { seedVault } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';

const VALUE = `quiet_${randomBytes(16).toString('hex')}`;
let t: TempHome;
let stub: Stub;
beforeAll(async () => {
  t = tempHome();
  stub = await startStub();
  await seedVault(t.env, [{ name: 'QUIET_KEY', value: VALUE, hosts: [stub.origin] }]);
});
afterAll(async () => {
  await stub.close();
  t.cleanup();
});

/** A host application: opens Blindfold, makes a call that is refused (and logged) and one that is sent. */
function host(withLogger: boolean) {
  const script = `
    const { openBlindfold } = await import(${JSON.stringify(join(REPO, 'dist/index.js'))});
    const lines = [];
    const level = (name) => (fields, msg) => lines.push({ level: name, msg, fields });
    const logger = { trace: level('trace'), debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error'), fatal: level('fatal') };
    const bf = await openBlindfold({ home: ${JSON.stringify(t.home)}, allowOrigins: [${JSON.stringify(stub.origin)}]${withLogger ? ', logger' : ''} });
    await bf.httpRequest({ method: 'GET', url: 'https://elsewhere.example/', headers: { Authorization: 'Bearer <secrets.QUIET_KEY>' } }).catch(() => {});
    await bf.httpRequest({ method: 'GET', url: ${JSON.stringify(`${stub.url}/bytes?kb=1`)}, headers: { Authorization: 'Bearer <secrets.QUIET_KEY>' } });
    await bf.close();
    if (${withLogger}) process.stdout.write(JSON.stringify(lines));
  `;
  // Not spawnSync: the stub answers from this process, whose event loop must keep running.
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...t.env, BLINDFOLD_LOG_LEVEL: 'debug' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('blindfold-mcp as a library', () => {
  it('writes nothing to the host application\'s stdout or stderr', async () => {
    const r = await host(false);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    expect(stub.requests.some((q) => q.url.startsWith('/bytes'))).toBe(true); // the call did go through
  });

  it('hands its log lines to a logger it is given, scrubbed', async () => {
    const r = await host(true);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = JSON.parse(r.stdout) as Array<{ level: string; msg?: string }>;
    expect(lines.some((l) => l.level === 'warn' && /request refused/.test(l.msg ?? ''))).toBe(true);
    expect(r.stdout).not.toContain(VALUE);
  });
});
