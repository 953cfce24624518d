// `blindfold show NAME` lists the tasks whose steps use the secret (issue 20 item 4): by
// `secret_name` (both step spellings) and by `<secrets.NAME>` in a template, in text and --json; a
// task file that does not load is named on stderr and `show` still succeeds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';

const STRIPE_VALUE = 'sk_live_Vx4Pq8Lm2Zt6Wr1Kc9Nb3Hd7';
const GITHUB_VALUE = 'ghp_Mq3Zt8Lx1Wv6Rk9Pc2Nb5Hd7Ys4Gf0';
let t: TempHome;

function cli(args: string[]) {
  return runCli(args, { env: t.env });
}

const byName = `name: stripe_balance
description: Read the account balance.
steps:
  - name: get
    kind: http
    method: GET
    url: https://api.stripe.com/v1/balance
    secret_name: STRIPE_KEY
`;

const byToolCall = `name: stripe_charges
description: List charges.
steps:
  - kind: tool_call
    tool: http
    arguments:
      method: GET
      url: https://api.stripe.com/v1/charges
      secret_name: STRIPE_KEY
`;

const byExpression = `name: stripe_customers
description: List customers, the key placed by an expression.
steps:
  - name: list
    kind: http
    method: GET
    url: https://api.stripe.com/v1/customers
    headers: {Authorization: "Bearer <secrets.STRIPE_KEY>"}
`;

const otherSecret = `name: github_user
description: Who am I on GitHub.
steps:
  - name: me
    kind: http
    method: GET
    url: https://api.github.com/user
    secret_name: GITHUB_TOKEN
`;

beforeAll(async () => {
  t = tempHome();
  expect(cli(['init']).code).toBe(0);
  await seedSecret(t.env, 'STRIPE_KEY', STRIPE_VALUE, '--host', 'api.stripe.com');
  await seedSecret(t.env, 'GITHUB_TOKEN', GITHUB_VALUE, '--host', 'api.github.com');
  const tasks = join(t.home, 'tasks');
  mkdirSync(tasks, { recursive: true });
  writeFileSync(join(tasks, 'balance.yaml'), byName);
  writeFileSync(join(tasks, 'charges.yaml'), byToolCall);
  writeFileSync(join(tasks, 'customers.yaml'), byExpression);
  writeFileSync(join(tasks, 'github.yaml'), otherSecret);
  writeFileSync(join(tasks, 'broken.yaml'), 'name: broken\nsteps: [ {\n');
});

afterAll(() => t?.cleanup());

describe('show lists the tasks that use a secret', () => {
  it('in JSON: every task naming it, by secret_name or by expression, and no other', () => {
    const r = cli(['show', 'STRIPE_KEY', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { secret } = JSON.parse(r.stdout) as { secret: { tasks: Array<{ name: string; file: string }> } };
    expect(secret.tasks.map((x) => x.name).sort()).toEqual(['stripe_balance', 'stripe_charges', 'stripe_customers']);
    expect(secret.tasks.find((x) => x.name === 'stripe_customers')!.file).toBe(join(t.home, 'tasks', 'customers.yaml'));
    const github = JSON.parse(cli(['show', 'GITHUB_TOKEN', '--json']).stdout) as { secret: { tasks: Array<{ name: string }> } };
    expect(github.secret.tasks.map((x) => x.name)).toEqual(['github_user']);
  });

  it('in text, with the file names; a task file that does not load is named on stderr, not fatal', () => {
    const r = cli(['show', 'STRIPE_KEY']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^tasks +stripe_balance \(balance\.yaml\), stripe_charges \(charges\.yaml\), stripe_customers \(customers\.yaml\)$/m);
    expect(r.stderr).toContain('task file broken.yaml does not load, so it was not searched for this secret (`blindfold tasks check` says why)');
    for (const v of [STRIPE_VALUE, GITHUB_VALUE]) expect(r.stdout + r.stderr).not.toContain(v);
  });

  it('says (none) for a secret no task uses, and lists [] in JSON', async () => {
    await seedSecret(t.env, 'SPARE_KEY', 'sk_live_Tn6Wq1Zr8Lk3Pv9Mc4Xb2Hd5', '--host', 'api.spare.example');
    expect(cli(['show', 'SPARE_KEY']).stdout).toMatch(/^tasks +\(none\)$/m);
    expect((JSON.parse(cli(['show', 'SPARE_KEY', '--json']).stdout) as { secret: { tasks: unknown[] } }).secret.tasks).toEqual([]);
  });
});
