// Red team 12 (honest use suspended): the twilio and jira presets store HTTP Basic credentials as
// one value, `AccountSid:AuthToken` and `email:api_token` (src/policy/presets.ts valueHint), injected
// by a task step as `Basic {value:base64}`. Every character of such a value is secret-bearing
// (src/redact/public-parts.ts: only vendor prefixes, PEM armour, JWT headers and URL structure are
// public), so the USER half — the Twilio Account SID, the Atlassian account's email — is secret
// material too. But that half is not secret at all to the APIs the presets are for: Twilio puts
// the Account SID in every resource URL (`/2010-04-01/Accounts/AC…/Messages.json`) and in every
// answer (`account_sid`, `uri`, `subresource_uris`); Jira's `/rest/api/3/myself`, issue reporters,
// assignees and comment authors carry the account's `emailAddress`.
//
// So an honest task, written by the admin exactly as the preset means it, sees each answer as "a
// piece of a placed value" (AnswerJudge.judge): the whole answer is withheld (`withheld: true`, the
// output the one notice) and one of the principal's partial-hit allowance is spent; the fourth
// honest call is withheld and suspends the principal; the fifth is PRINCIPAL_SUSPENDED until a
// human clears it. Nothing the agent did was a guess. And an agent that names its own Account SID
// (a subaccount's usage, say) as a task input trips the input wire at once. Severity: medium (goal 5: an honest agent suspended; two of the eleven
// presets are unusable through tasks, their answers always withheld).
// Root cause: src/redact/public-parts.ts publicParts treats a `user:secret` Basic credential as
// all secret-bearing (README "Public values" names Twilio account SIDs as public, but only a whole
// value can be marked public); the presets in src/policy/presets.ts store the public user with the
// secret in one value.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const SID = `AC${randomBytes(16).toString('hex')}`;
const TWILIO = `${SID}:${randomBytes(16).toString('hex')}`;
const EMAIL = 'dana.whitfield@example-corp.com';
const JIRA = `${EMAIL}:ATATT3x${randomBytes(24).toString('base64url')}`;

let up: Listening;
let t: TempHome;

beforeAll(async () => {
  // Honest APIs, answering as Twilio and Jira do (only when the Basic credential is right).
  up = await listenOn(
    createServer((req, res) => {
      const auth = String(req.headers.authorization ?? '');
      const url = req.url ?? '/';
      res.setHeader('content-type', 'application/json');
      if (url.startsWith('/2010-04-01/') && auth === `Basic ${Buffer.from(TWILIO).toString('base64')}`) {
        const sid = `SM${randomBytes(16).toString('hex')}`;
        return void res.end(JSON.stringify({ sid, account_sid: SID, status: 'queued', body: 'hello', uri: `/2010-04-01/Accounts/${SID}/Messages/${sid}.json` }));
      }
      if (url.startsWith('/rest/api/3/myself') && auth === `Basic ${Buffer.from(JIRA).toString('base64')}`) {
        return void res.end(JSON.stringify({ accountId: '5b10ac8d82e05b22cc7d4ef5', emailAddress: EMAIL, displayName: 'Dana Whitfield', active: true }));
      }
      res.statusCode = 401;
      res.end('{"message":"unauthorized"}');
    }),
  );
  t = tempHome();
  // As `blindfold set TWILIO_AUTH --preset twilio` / `--preset jira` store them (hosts: the stub).
  await setSecret(t, 'TWILIO_AUTH', TWILIO, '--host', up.url, '--inject', 'header:Authorization:Basic {value:base64}');
  await setSecret(t, 'JIRA_TOKEN', JIRA, '--host', up.url, '--inject', 'header:Authorization:Basic {value:base64}');
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(
    join(t.home, 'tasks', 'sms.yaml'),
    `name: send_sms
description: Send a text message through Twilio.
inputs:
  type: object
  properties:
    to: {type: string}
    text: {type: string}
  required: [to, text]
steps:
  - kind: http
    method: POST
    url: ${up.url}/2010-04-01/Accounts/${SID}/Messages.json
    json: {To: "<inputs.to>", Body: "<inputs.text>"}
    secret_name: TWILIO_AUTH
output:
  sid: <steps.step1.json.sid>
  status: <steps.step1.json.status>
`,
  );
  writeFileSync(
    join(t.home, 'tasks', 'usage.yaml'),
    `name: twilio_usage
description: Usage records of a Twilio account (the main account or a subaccount, by its SID).
inputs:
  type: object
  properties:
    account: {type: string, description: "Account SID (AC...)"}
  required: [account]
steps:
  - kind: http
    method: GET
    url: ${up.url}/2010-04-01/Accounts/<inputs.account>/Usage/Records.json
    secret_name: TWILIO_AUTH
`,
  );
  writeFileSync(
    join(t.home, 'tasks', 'whoami.yaml'),
    `name: jira_whoami
description: Who the Jira token belongs to.
steps:
  - kind: http
    method: GET
    url: ${up.url}/rest/api/3/myself
    secret_name: JIRA_TOKEN
output:
  name: <steps.step1.json.displayName>
  active: <steps.step1.json.active>
`,
  );
});

afterAll(async () => {
  t.cleanup();
  await up.close();
});

describe('redteam12: honest use of the Basic-auth presets (twilio, jira) through tasks', () => {
  it('sending texts with the twilio preset: the answers are shown and the agent is never suspended', async () => {
    const b = await openBlindfold({ home: t.home, principal: 'rt12-twilio' });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) {
        try {
          const r = await b.runTask('send_sms', { to: '+15550100', text: `reminder ${i}` });
          outcomes.push(r.ok && typeof r.output === 'object' && (r.output as { status?: string }).status === 'queued' ? 'shown' : 'withheld');
        } catch (err) {
          outcomes.push((err as { code?: string }).code ?? 'error');
        }
      }
      // Before a fix: withheld ×4 (the allowance spent, the fourth past it), then PRINCIPAL_SUSPENDED.
      expect(outcomes).toEqual(['shown', 'shown', 'shown', 'shown', 'shown']);
    } finally {
      await b.close();
    }
  });

  it('naming its own Account SID (public, README "Public values") as a task input does not suspend the agent', async () => {
    const b = await openBlindfold({ home: t.home, principal: 'rt12-twilio-sid' });
    try {
      await b.runTask('twilio_usage', { account: SID }).catch(() => undefined);
      // Before a fix: the input tripwire fires at once (secret material in the agent input).
      const next = await b.listSecrets().then(
        () => 'ok',
        (err: { code?: string }) => err.code ?? 'error',
      );
      expect(next).toBe('ok');
    } finally {
      await b.close();
    }
  });

  it("reading the Jira token's own account with the jira preset: shown, never suspended", async () => {
    const b = await openBlindfold({ home: t.home, principal: 'rt12-jira' });
    try {
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) {
        try {
          const r = await b.runTask('jira_whoami', {});
          outcomes.push(r.ok && typeof r.output === 'object' && (r.output as { name?: string }).name === 'Dana Whitfield' ? 'shown' : 'withheld');
        } catch (err) {
          outcomes.push((err as { code?: string }).code ?? 'error');
        }
      }
      expect(outcomes).toEqual(['shown', 'shown', 'shown', 'shown', 'shown']);
    } finally {
      await b.close();
    }
  });
});
