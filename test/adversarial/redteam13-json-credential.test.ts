// Red team 13 (public parts of structured values): a credential FILE stored as one value — a Google
// service-account key (`gcloud iam service-accounts keys create key.json`, what
// GOOGLE_APPLICATION_CREDENTIALS points at) — has no public part publicParts knows of but its PEM
// armour, so its field names and fixed values are secret material: `{"type": "service_account"`,
// `"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs"`,
// `"token_uri": "https://oauth2.googleapis.com/token"` are the same in every such file Google
// issues. And inside JSON the key's line breaks are the two characters `\n`, so the armour regex
// stops before them and DER_HEADER (sticky, right after the armour) never matches: the DER header
// every RSA-2048 PKCS#8 key shares is indexed too (red team 1's "structure every key of a kind
// shares", fixed for raw PEM only).
//
// So an honest agent that reads Google's documentation, writes the file's shape into a ticket, or
// has the IAM API create a NEW key (its `privateKeyData` is base64 of another such file, decoded by
// the wall) trips the wire: refused, suspended, the origin counted toward quarantine.
// Promise 4a: "Only secret-bearing parts count as secret material ... so honest agents are not
// suspended". Severity: medium (availability; every GCP user who stores a key file).
// Mechanism: publicParts knows a fixed list of landmarks; text every value of a kind shares (field
// names and constant fields of a credential file, a DER header behind an escaped line break) is
// indexed. Either index only the high-entropy leaves of a structured value (parse JSON values and
// take the strings that look secret, as urlSecretParts does for URLs), or read the armour and DER
// header through JSON escapes too.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

/** A service-account key file as Google issues it (made up: a fresh key, random ids). */
function keyFile(project: string): string {
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  return JSON.stringify(
    {
      type: 'service_account',
      project_id: project,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey,
      client_email: `deploy@${project}.iam.gserviceaccount.com`,
      client_id: `1${[...randomBytes(20)].map((b) => b % 10).join('')}`,
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/deploy%40${project}.iam.gserviceaccount.com`,
      universe_domain: 'googleapis.com',
    },
    null,
    2,
  );
}

const DOCS = `<h1>Create and delete service account keys</h1>
<p>The key file looks like this:</p>
<pre>{
  "type": "service_account",
  "project_id": "PROJECT_ID",
  "private_key_id": "KEY_ID",
  "private_key": "-----BEGIN PRIVATE KEY-----\\nPRIVATE_KEY\\n-----END PRIVATE KEY-----\\n",
  "client_email": "SERVICE_ACCOUNT_EMAIL",
  "client_id": "CLIENT_ID",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/SERVICE_ACCOUNT_EMAIL"
}</pre>`;

/** One origin per case (a trip counts against the origin that answered). */
const ups: Listening[] = [];
let t: TempHome;

function googleish(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  req.resume();
  if (url.startsWith('/docs/')) {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    return void res.end(DOCS);
  }
  if (url.endsWith('/keys') && req.method === 'POST') {
    // iam.projects.serviceAccounts.keys.create: a NEW key, its file base64-encoded.
    res.setHeader('content-type', 'application/json');
    return void res.end(JSON.stringify({ name: 'projects/rt13-staging/serviceAccounts/ci@rt13-staging.iam.gserviceaccount.com/keys/abc', privateKeyType: 'TYPE_GOOGLE_CREDENTIALS_FILE', privateKeyData: Buffer.from(keyFile('rt13-staging-0815')).toString('base64') }));
  }
  res.setHeader('content-type', 'application/json');
  res.end('{"ok":true}');
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) ups.push(await listenOn(createServer(googleish)));
  t = tempHome();
  // The production key file, bound to Google's token endpoint; never placed in these calls.
  await setSecret(t, 'RT13_GCP_KEY_FILE', keyFile('rt13-prod-4711'), '--host', 'https://oauth2.googleapis.com');
  // A token for the API these calls go to (it opts the loopback stand-in in).
  await setSecret(t, 'RT13_API_TOKEN', 'rt13-Rt13Kq9Zx7Wm4Pv2Lc8Hs5Jd3Nf6Bt1Yg', ...ups.flatMap((u) => ['--host', u.url]));
});

afterAll(async () => {
  t?.cleanup();
  for (const u of ups) await u.close();
});

async function twice(principal: string, call: (b: Awaited<ReturnType<typeof openBlindfold>>) => Promise<{ withheld?: boolean }>): Promise<string[]> {
  const b = await openBlindfold({ home: t.home, principal });
  const seen: string[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      try {
        seen.push((await call(b)).withheld ? 'withheld' : 'shown');
      } catch (err) {
        seen.push((err as { code?: string }).code ?? 'error');
      }
    }
  } finally {
    await b.close();
  }
  return seen;
}

const AUTH = { Authorization: 'Bearer <secrets.RT13_API_TOKEN>' };

describe('redteam13: a stored service-account key file, and honest agents', () => {
  it("reading Google's documentation of the key file format suspends no one", async () => {
    // Today: ['REQUEST_REFUSED', 'PRINCIPAL_SUSPENDED'].
    expect(await twice('rt13-docs', (b) => b.httpRequest({ method: 'GET', url: `${ups[0]!.url}/docs/keys` }))).toEqual(['shown', 'shown']);
  });

  it('having the IAM API create a new key for another project suspends no one', async () => {
    expect(await twice('rt13-newkey', (b) => b.httpRequest({ method: 'POST', url: `${ups[1]!.url}/v1/projects/rt13-staging/serviceAccounts/ci/keys`, headers: AUTH, json: {} }))).toEqual(['shown', 'shown']);
  });

  it('writing the file\'s shape in a ticket (input) is not taken for a guess', async () => {
    const ticket = 'Our CI reads a key file ({"type": "service_account", ...}; token_uri "https://oauth2.googleapis.com/token"): rotate it monthly.';
    expect(await twice('rt13-ticket', (b) => b.httpRequest({ method: 'POST', url: `${ups[2]!.url}/tickets`, headers: AUTH, json: { body: ticket } }))).toEqual(['shown', 'shown']);
  });
});
