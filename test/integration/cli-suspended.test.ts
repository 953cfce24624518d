// Issue 19 item 3: `blindfold run` and `blindfold exec` act through a handle of the core, so the
// suspension list applies to them as to every other door (before, `run` built its own broker with
// no suspension list, and a call of its own that tripped the wire left it free to run again).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { SuspensionList } from '../../src/policy/suspensions.js';
import { runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';
import { stateFile } from '../helpers/state-file.js';

const VALUE = `sk_${randomBytes(18).toString('hex')}`;
const CLI_PRINCIPAL = `cli:${userInfo().username}`;
let t: TempHome;
let stub: Stub;

beforeAll(async () => {
  t = tempHome({ BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') });
  stub = await startStub();
  await seedSecret(t.env, 'RUN_KEY', VALUE, '--host', stub.origin, '--inject', 'header:x-api-key:{value}');
  mkdirSync(join(t.home, 'tasks'));
  writeFileSync(join(t.home, 'tasks', 'ping.yaml'), `name: ping\ndescription: ping the stub\nsteps:\n  - kind: http\n    method: GET\n    url: ${stub.origin}/echo\n    secret_name: RUN_KEY\n`);
});

afterAll(async () => {
  await stub.close();
  t.cleanup();
});

describe('a suspended CLI principal', () => {
  it('is refused by run and exec, and both work again once an admin clears it', async () => {
    await SuspensionList.in(stateFile(resolvePaths({ home: t.home }, {}).suspensions)).suspend(CLI_PRINCIPAL, 'test: a tripwire hit');
    stub.reset();
    const run = await runCliAsync(['run', 'ping'], { env: t.env }).done;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('PRINCIPAL_SUSPENDED');
    expect(stub.requests).toHaveLength(0);

    const marker = join(t.home, 'child-ran');
    const exec = () => runCliAsync(['exec', '-s', 'RUN_KEY', '--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`], { env: t.env }).done;
    const refused = await exec();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('PRINCIPAL_SUSPENDED');
    expect(existsSync(marker)).toBe(false);

    expect(runCli(['clear', CLI_PRINCIPAL], { env: t.env }).code).toBe(0);
    const ran = await runCliAsync(['run', 'ping'], { env: t.env }).done;
    expect(ran.code, ran.stderr).toBe(0);
    expect(stub.requests[0]!.headers['x-api-key']).toBe(VALUE);
    expect((await exec()).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expectNoTrace(run.stdout + run.stderr + refused.stdout + refused.stderr + ran.stdout + ran.stderr, [VALUE]);
  });
});
