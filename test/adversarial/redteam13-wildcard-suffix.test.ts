// Red team 13 (request_secret, the human's form): an agent proposes the hosts a missing secret
// should be bound to; the admin page lists them unticked, "each with its registrable domain shown
// apart (`api.github.com.evil.example` reads `evil.example`)" so that "a look-alike reads wrong at
// a glance" (src/ui/views/requests.ts, src/policy/registrable.ts). A WILDCARD over a suffix under
// which anyone registers names (`*.herokuapp.com`, `*.github.io`, `*.vercel.app`,
// `*.s3.amazonaws.com`, `*.cloudfront.net`, ... the very suffixes registrable.ts lists as
// multi-label) is accepted by parseHostPattern (two labels after `*.`), and registrableDomain
// strips the `*.` and shows the suffix itself as the owner: "registrable domain: herokuapp.com".
// The binding matches `attacker-app.herokuapp.com` (hostMatches: one label in front), a host the
// agent's operator can create in a minute; the form tells the human it belongs to Heroku/GitHub/
// Amazon. A human who ticks it binds the value to every tenant of that platform: the agent then
// sends the secret to its own app and reads it (promise 3 holds only in name: "bound" to anyone).
// Severity: medium-low (needs one human click; the display meant to stop exactly this misleads).
// Mechanism: src/policy/registrable.ts registrableDomain ignores the wildcard (the owner of
// `*.X` is whoever owns each label in front, i.e. X's tenants when X is a public suffix); and
// parseHostPattern allows a wildcard directly over a public suffix. Refuse wildcards whose suffix
// is a public suffix (the Public Suffix List, private section included), or show them as "any
// tenant of X".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { findMatchingHost } from '../../src/policy/hosts.js';
import { requestFormState, requestFormView } from '../../src/ui/views/requests.js';
import { Sessions, type Session } from '../../src/ui/sessions.js';
import { seedVault } from '../helpers/inprocess.js';
import { tempHome, type TempHome } from '../helpers/cli.js';

const SUFFIXES = ['herokuapp.com', 'github.io', 'vercel.app', 's3.amazonaws.com', 'cloudfront.net', 'workers.dev'];

let t: TempHome;
let session: Session;

beforeAll(async () => {
  t = tempHome();
  await seedVault(t.env);
  const outcome = await new Sessions().admit(async () => ({ name: 'admin', createdAt: '2026-12-08T00:00:00.000Z' }));
  if (!outcome.ok) throw new Error('no admin session');
  session = outcome.session;
});

afterAll(() => t?.cleanup());

describe('redteam13: a proposed wildcard over a platform suffix is not shown as owned by the platform', () => {
  for (const suffix of SUFFIXES) {
    it(`*.${suffix}: refused when proposed, or not shown with "${suffix}" as its registrable domain`, async () => {
      const agent = await openBlindfold({ home: t.home, principal: `rt13-ask-${suffix.replace(/\./g, '-')}` });
      let id: string | undefined;
      try {
        const answer = await agent.requestSecret({ name: `RT13_DEPLOY_${suffix.replace(/\W/g, '_').toUpperCase()}`, reason: 'the deploy webhook needs its signing key', hosts: [`*.${suffix}`] });
        id = (answer as { id?: string }).id;
      } catch (err) {
        // Refused at the door: the promise holds.
        expect((err as { code?: string }).code).toBe('BAD_HOST');
        return;
      } finally {
        await agent.close();
      }
      const admin = await openBlindfold({ home: t.home, principal: 'rt13-admin' });
      try {
        const request = (await admin.secretRequests.list()).find((r) => r.id === id);
        expect(request, 'the request was stored').toBeDefined();
        const html = String(requestFormView(session, request!, requestFormState(request!)));
        expect(html, 'the wildcard is offered as a host to tick').toContain(`*.${suffix}`);
        // What ticking it means: a host anyone can create on that platform receives the value.
        expect(findMatchingHost(request!.hosts, new URL(`https://rt13-attacker-app.${suffix}/hook`))).toBeDefined();
        // Today: `registrable domain: <strong>${suffix}</strong>`: the platform named as the owner.
        expect(html).not.toContain(`registrable domain: <strong>${suffix}</strong>`);
      } finally {
        await admin.close();
      }
    });
  }
});
