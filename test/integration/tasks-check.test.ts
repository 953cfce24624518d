// `blindfold tasks check` as a child process: problems reported with file, line and reason, and
// every task file the README shows loads. No server and no stub: each case has its own home folder.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';

describe('task loading reports problems with file, line and reason', () => {
  it('a task naming a missing secret, or an unbound host, is reported; the others still load', async () => {
    const h = tempHome();
    try {
      const dir = join(h.home, 'tasks');
      mkdirSync(dir, { recursive: true });
      await seedSecret(h.env, 'GOOD_KEY', 'good-key-value-123456', '--host', 'https://api.example.com');
      writeFileSync(join(dir, 'good.yaml'), 'name: good\ndescription: fine\nsteps:\n  - kind: http\n    method: GET\n    url: https://api.example.com/x\n    secret_name: GOOD_KEY\n');
      writeFileSync(join(dir, 'missing.yaml'), 'name: missing\ndescription: names a secret that does not exist\nsteps:\n  - kind: http\n    method: GET\n    url: https://api.example.com/x\n    secret_name: NO_SUCH_KEY\n');
      writeFileSync(join(dir, 'unbound.yaml'), 'name: unbound\ndescription: wrong host\nsteps:\n  - kind: http\n    method: GET\n    url: https://evil.example.net/x\n    secret_name: GOOD_KEY\n');
      writeFileSync(join(dir, 'broken.yaml'), 'name: broken\ndescription: bad yaml\nsteps: [\n');
      writeFileSync(join(dir, 'builtin.yaml'), 'name: http_request\ndescription: collides\nsteps:\n  - kind: http\n    method: GET\n    url: https://api.example.com/x\n');
      const r = runCli(['tasks', 'check'], { env: h.env });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('ok      good');
      expect(r.stdout).toMatch(/missing\.yaml:7: .*NO_SUCH_KEY.*does not exist/);
      expect(r.stdout).toMatch(/unbound\.yaml:7: .*https:\/\/evil\.example\.net.*not bound/);
      expect(r.stdout).toMatch(/broken\.yaml:\d+: YAML/);
      expect(r.stdout).toMatch(/builtin\.yaml:1: .*collides with the built-in tool/);
      const json = JSON.parse(runCli(['tasks', 'check', '--json'], { env: h.env }).stdout) as { ok: boolean; tasks: string[] };
      expect(json).toMatchObject({ ok: false, tasks: ['good'] });
      const list = runCli(['tasks', 'list', '--json'], { env: h.env });
      expect(JSON.parse(list.stdout).tasks.map((x: { name: string }) => x.name)).toEqual(['good']);
    } finally {
      h.cleanup();
    }
  });
});

describe('README task examples', () => {
  it('every task file shown in the README loads with `tasks check`', () => {
    const h = tempHome();
    try {
      const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
      const blocks = [...readme.matchAll(/```yaml\n(# ~\/\.blindfold\/tasks\/([\w.-]+)[^\n]*\n[\s\S]*?)```/g)];
      expect(blocks.length).toBeGreaterThanOrEqual(2);
      // Each example names a secret the README tells the reader to `set`, so pasting works as shown.
      for (const [, text] of blocks) {
        for (const [, name] of text!.matchAll(/secret_name:\s*(\w+)/g)) expect(readme, `README sets ${name}`).toMatch(new RegExp(`blindfold set ${name}\\b`));
      }
      mkdirSync(join(h.home, 'tasks'), { recursive: true });
      for (const [, text, file] of blocks) writeFileSync(join(h.home, 'tasks', file!), text!);
      expect(runCli(['init'], { env: h.env }).code).toBe(0);
      expect(runCli(['set', 'GITHUB_TOKEN', '--preset', 'github'], { env: h.env, input: 'ghp_readme_example_123456' }).code).toBe(0);
      expect(runCli(['set', 'SLACK_BOT_TOKEN', '--preset', 'slack'], { env: h.env, input: 'xoxb-readme-example-123456' }).code).toBe(0);
      const r = runCli(['tasks', 'check'], { env: h.env });
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain(`${blocks.length} task(s) ok, 0 problem(s)`);
    } finally {
      h.cleanup();
    }
  });
});
