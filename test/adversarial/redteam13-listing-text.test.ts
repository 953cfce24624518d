// Red team 13 (list_secrets): descriptions and metadata are stored unencrypted and handed to every
// agent by list_secrets as they are (src/mcp/tools/list-secrets.ts: text and structuredContent);
// the one guard is at `set` (src/vault/records.ts refuseValueIn: "a key pasted there by mistake
// (`--description "$TOKEN"`) would reach them: refused"), and it judges by SHAPE
// (src/echo.ts looksLikeToken: vendor prefixes, letters mixed with digits, case changes). A value
// the vault holds that is not token-shaped — a passphrase (`set` accepts it: its words are priced
// as random letters), a numeric PIN or access code, a long run of small letters — passes the guard
// when pasted into a description or a metadata field, and list_secrets then shows the plaintext of
// a stored value to every agent in scope, none of it through the redactor that knows every value.
// Promise 1: "No MCP tool result ... contains a secret's value". Severity: medium (one admin slip
// — the variable mix-up the guard exists for — and every agent reads a value in one call; the
// wall that would catch it is not on this path).
// Task files have no guard at all: a key written into a task's description or an input's default
// (even a vendor-shaped one the `set` guard would refuse) is in tools/list as written.
// Mechanism: agent-facing text that is not an HTTP answer (list_secrets descriptions and metadata,
// and likewise task titles/descriptions in tools/list) skips the wall; a shape heuristic stands in
// for the index. Screen every agent-facing string through the redactor (whole value → marker),
// or refuse at `set` any description/metadata holding a window of any stored value (the index
// knows them), not only token-shaped words.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInProcess, seedSecret, type InProcessSession } from '../helpers/inprocess.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { visible } from '../helpers/mcp.js';
import { z } from 'zod';
import { openBlindfold } from '../../src/index.js';
import { pluginTools } from '../../src/plugins/tools.js';

/** Made up for this file: a passphrase, a PIN, a long run of small letters. */
const PASSPHRASE = 'rt13-orbit-lunar-velvet-quarry-tundra-maple';
const PIN = '7319048261537';
const LETTERS = 'rtqzvxkwpmtrbnjhdyfglsxwqkzvmp';
/** A vendor-shaped key, stored, and written by mistake into a task file's description and an input's default. */
const STRIPE = 'sk_live_Rt13Qx9Lm4Zw8Kp2Vb7Nc3Hd6Wk5Jf1Gs0';

let t: TempHome;
let s: InProcessSession;
const accepted: string[] = [];

beforeAll(async () => {
  t = tempHome();
  // The slip the guard is for: the value's variable given to --description / --meta by mistake.
  for (const [name, value, flag] of [
    ['RT13_DB_PASSWORD', PASSPHRASE, '--description'],
    ['RT13_DOOR_PIN', PIN, '--description'],
    ['RT13_RELAY_KEY', LETTERS, '--description'],
  ] as const) {
    try {
      await seedSecret(t.env, name, value, '--host', 'https://api.rt13.example', flag, value);
      accepted.push(name);
    } catch (err) {
      // Refused at set (BAD_INPUT "looks like a value"): the promise holds for that one.
      expect((err as { code?: string }).code).toBe('BAD_INPUT');
    }
  }
  await seedSecret(t.env, 'RT13_STRIPE_KEY', STRIPE, '--host', 'https://api.stripe.com');
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(
    join(t.home, 'tasks', 'refund.yaml'),
    `name: refund
description: Refund a charge (uses the live key ${STRIPE}).
inputs:
  type: object
  properties:
    charge: {type: string}
    key: {type: string, default: "${STRIPE}"}
  required: [charge]
steps:
  - kind: http
    method: POST
    url: https://api.stripe.com/v1/refunds
    body: charge=<inputs.charge>
    secret_name: RT13_STRIPE_KEY
`,
  );
  s = await connectInProcess(t.env);
});

afterAll(async () => {
  await s?.close();
  t?.cleanup();
});

describe('redteam13: a stored value pasted into a description reaches list_secrets', () => {
  for (const [label, name, value] of [
    ['a passphrase', 'RT13_DB_PASSWORD', PASSPHRASE],
    ['a numeric PIN', 'RT13_DOOR_PIN', PIN],
    ['a run of small letters', 'RT13_RELAY_KEY', LETTERS],
  ] as const) {
    it(`list_secrets does not show ${label} (a stored value) in clear`, async () => {
      // Refused at set: the promise holds (nothing stored to show). Today all three are accepted.
      if (!accepted.includes(name)) return;
      const r = await s.call('list_secrets', {});
      expect(r.isError, visible(r)).toBeFalsy();
      // Today: shown in the answer's text and its structuredContent.
      expect(JSON.stringify(r).includes(value), `${label} shown`).toBe(false);
    });
  }

  it('tools/list does not show a stored value written into a task file (description, an input default)', async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((x) => x.name), 'the task loaded').toContain('refund');
    // Today: the task's description and input schema carry the live key as written (no guard at
    // all on task files, no wall on tools/list).
    expect(JSON.stringify(tools).includes(STRIPE.slice(8)), 'the key shown in tools/list').toBe(false);
  });

  it('a runtime plugin\'s tool list (the same task) does not show it either: description and input schema', async () => {
    const b = await openBlindfold({ home: t.home, principal: 'rt13-plugin' });
    try {
      const refund = pluginTools(b).find((tool) => tool.definition.name === 'refund');
      expect(refund, 'the task is a tool').toBeDefined();
      const shown = JSON.stringify({ description: refund!.definition.description, title: refund!.definition.title, schema: z.toJSONSchema(refund!.input) });
      expect(shown).toContain('charge');
      expect(shown.includes(STRIPE.slice(8)), 'the key shown in the plugin tool').toBe(false);
    } finally {
      await b.close();
    }
  });
});
