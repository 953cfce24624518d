// Issue 18, "not hollow": with default budgets, real-world answers are shown, not withheld. The corpus
// in test/fixtures/honest/ (minified HTML, a URL-encoded S3 listing, JSON-in-JSON log events,
// GitHub/Stripe/Slack/AWS/OpenAI bodies and errors, a gzip download, a hexdump of non-secret bytes)
// plus a 1 MiB GitHub contents-API answer, and honest reads that return stored values whole (a
// config-vars listing, a Kubernetes Secret, a secret-scanning alert for a rotated-out key): zero
// suspensions, zero refusals, zero withheld bodies.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'honest');
const VALUES: Record<string, string> = {
  DATABASE_URL: 'postgres://app:Jw3Kx8Qm1Tz6Yr4Gd9@db.internal.example:5432/app',
  STRIPE_KEY: 'sk_live_51Hq7Zt2Lm9Wx4Pc8Vb3Nf6Ry1Ud5',
  STRIPE_OLD: 'sk_live_51Aa0Bb1Cc2Dd3Ee4Ff5Gg6Hh7Ii8',
};

let t: TempHome;
let s: StdioSession;
let server: Server;
let base = '';

/** A placeholder `{{NAME}}` or `{{base64:NAME}}` in a fixture becomes the stored value (as that API would return it). */
function fill(text: string): string {
  return text.replace(/\{\{(base64:)?([A-Z_]+)\}\}/g, (_, b64: string | undefined, name: string) => (b64 ? Buffer.from(VALUES[name]!).toString('base64') : VALUES[name]!));
}

function contentsApi(): string {
  const src = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'));
  const file = Buffer.concat(Array.from({ length: Math.ceil((768 * 1024) / src.length) }, () => src));
  const content = file.toString('base64').replace(/(.{60})/g, '$1\n');
  return JSON.stringify({ name: 'README.md', path: 'README.md', sha: '3d21ec53a331a6f037a91c368710b99387d012c1', size: file.length, encoding: 'base64', content });
}

const TYPES: Record<string, string> = { json: 'application/json', xml: 'application/xml', html: 'text/html; charset=utf-8', txt: 'text/plain', yaml: 'text/plain', gz: 'application/gzip' };

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    if (name === 'contents-api') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(contentsApi());
    }
    const ext = name.split('.').pop()!;
    const raw = readFileSync(join(DIR, name));
    res.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream' });
    res.end(ext === 'gz' ? raw : fill(raw.toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  t = tempHome();
  await setSecret(t, 'DATABASE_URL', VALUES.DATABASE_URL!, '--host', base);
  await setSecret(t, 'STRIPE_KEY', VALUES.STRIPE_OLD!, '--host', base);
  await setSecret(t, 'STRIPE_KEY', VALUES.STRIPE_KEY!, '--host', base);
  s = await connectStdio(t.env);
});

afterAll(async () => {
  await s?.close();
  await new Promise((r) => server?.close(r));
  for (const v of Object.values(VALUES)) expect(survivingWindow(s.stderr(), v)).toBeNull();
  t?.cleanup();
});

const names = readdirSync(DIR).filter((n) => !/^(heroku|k8s|secret-scanning)/.test(n));

describe('honest answers are shown (default budgets)', () => {
  for (const name of [...names, 'contents-api']) {
    it(name, async () => {
      const r = await s.call('http_request', { method: 'GET', url: `${base}/${name}`, headers: { Authorization: 'Bearer <secrets.STRIPE_KEY>' }, maxBytes: 4 * 1024 * 1024 });
      expect(r.isError, visible(r).slice(0, 300)).toBeFalsy();
      const out = r.structuredContent as { body?: string; json?: unknown; withheld?: boolean; binary?: unknown; redacted: string[] };
      expect(out.withheld, name).toBeUndefined();
      expect(out.binary, name).toBeUndefined();
      expect(out.redacted).toEqual([]);
      expect(out.body ?? out.json).toBeDefined();
    });
  }
});

describe('honest reads that return stored values whole suspend no one', () => {
  for (const name of ['heroku-config-vars.json', 'k8s-secret.yaml', 'secret-scanning-alert.json']) {
    it(name, async () => {
      const r = await s.call('http_request', { method: 'GET', url: `${base}/${name}`, headers: { Authorization: 'Bearer <secrets.STRIPE_KEY>' } });
      expect(r.isError, visible(r).slice(0, 300)).toBeFalsy();
      const out = r.structuredContent as { withheld?: boolean; redacted: string[] };
      expect(out.withheld).toBeUndefined();
      expect(out.redacted.length).toBeGreaterThan(0);
      for (const v of Object.values(VALUES)) expect(survivingWindow(visible(r), v)).toBeNull();
    });
  }

  it('the trail holds no attack, no withheld answer and no refusal', async () => {
    // One more call after all the others: the principal is not suspended.
    const again = await s.call('http_request', { method: 'GET', url: `${base}/github-error.json` });
    expect(again.isError, visible(again)).toBeFalsy();
    const trail = readFileSync(join(t.home, 'audit.jsonl'), 'utf8');
    expect(trail).not.toMatch(/request\.attack|response\.partial|response\.withheld|request\.denied/);
  });
});
