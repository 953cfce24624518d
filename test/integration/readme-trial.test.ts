// The fresh-clone trial (issue 20): the README's command blocks, run as written. A ```sh block with
// the line `<!-- trial -->` right above its fence is run, in README order, by bash in one
// temporary home (HOME, BLINDFOLD_HOME and XDG_CONFIG_HOME all inside it), with `blindfold` (and
// the checkout's `npx blindfold`) being the built CLI on the Node that runs the tests: Node 20 in
// `npm test`, Node 24 in .ci/run's second run of test/integration. The variables the blocks read
// (GITHUB_TOKEN, OPENAI_API_KEY, TOKEN) hold test values, a hidden prompt reads its value from
// stdin, and the files they name (.env) are in the working folder. Each block must exit 0, and
// none may print a value. `npm start` (the server) is tried by quickstart.test.ts.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';

const TRIAL_MARK = '<!-- trial -->';

/** The ```sh blocks marked for the trial, with the line each starts on. */
function trialBlocks(readme: string): { line: number; code: string }[] {
  const lines = readme.split('\n');
  const blocks: { line: number; code: string }[] = [];
  lines.forEach((text, i) => {
    if (text.trim() !== TRIAL_MARK) return;
    const fence = lines[i + 1] ?? '';
    if (!/^```(sh|bash)$/.test(fence)) throw new Error(`README.md:${i + 1}: ${TRIAL_MARK} must stand right above a \`\`\`sh fence`);
    const end = lines.indexOf('```', i + 2);
    blocks.push({ line: i + 3, code: lines.slice(i + 2, end).join('\n') });
  });
  return blocks;
}

const value = (prefix: string) => `${prefix}${randomBytes(18).toString('hex')}`;
const VALUES = {
  GITHUB_TOKEN: value('ghp_'),
  OPENAI_API_KEY: value('sk_live_'),
  TOKEN: value('sk_live_'),
  prompted: value('sk_live_'),
  dotenvGithub: value('ghp_'),
  dotenvOpenai: value('sk_live_'),
};

let t: TempHome;
let work: string;
let env: NodeJS.ProcessEnv;
const blocks = trialBlocks(readFileSync(join(REPO, 'README.md'), 'utf8'));

beforeAll(() => {
  t = tempHome();
  const root = join(t.home, '..');
  work = join(root, 'work');
  const bin = join(root, 'bin');
  mkdirSync(work);
  mkdirSync(bin);
  // `blindfold` as an install puts it on PATH, on this Node.
  writeFileSync(join(bin, 'blindfold'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(bin, 'blindfold'), 0o755);
  writeFileSync(join(work, '.env'), `# staging\nGITHUB_TOKEN=${VALUES.dotenvGithub}\nOPENAI_API_KEY=${VALUES.dotenvOpenai}\n`);
  env = {
    ...t.env,
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(root, '.config'),
    GITHUB_TOKEN: VALUES.GITHUB_TOKEN,
    OPENAI_API_KEY: VALUES.OPENAI_API_KEY,
    TOKEN: VALUES.TOKEN,
  };
});
afterAll(() => t?.cleanup());

describe('the README, run as written', () => {
  it('marks the blocks a new user runs first: init, set from stdin and a prompt, import, list, show, doctor, rename, exec, token create, audit verify', () => {
    const all = blocks.map((b) => b.code).join('\n');
    for (const command of [/blindfold init\b/, /\| (npx )?blindfold set \w+/, /# hidden prompt/, /blindfold import /, /blindfold list\b/, /blindfold show /, /blindfold audit verify\b/, /blindfold doctor\b/, /blindfold rename /, /blindfold token create /, /blindfold exec -s /]) {
      expect(all).toMatch(command);
    }
  });

  it('runs every marked block in one fresh home; each exits 0 and none prints a value', () => {
    for (const block of blocks) {
      // npx in the checkout runs the checkout's own CLI: here, the one on PATH.
      const script = block.code.replace(/\bnpx (blindfold)\b/g, '$1');
      const r = spawnSync('bash', ['-eo', 'pipefail', '-c', script], { cwd: work, env, input: `${VALUES.prompted}\n`, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, `README.md:${block.line}\n${block.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(0);
      for (const secret of Object.values(VALUES)) expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
    }
    // The blocks did what they say: every secret they set is there, with the environments named.
    const list = runCli(['list', '--json'], { env });
    expect(list.code, list.stderr).toBe(0);
    const names = (JSON.parse(list.stdout) as { secrets: { name: string }[] }).secrets.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['GITHUB_TOKEN', 'OPENAI_API_KEY', 'STRIPE_KEY', 'BILLING_API_TOKEN']));
    expect(names).not.toContain('INTERNAL_TOKEN');
    const verify = runCli(['audit', 'verify'], { env });
    expect(verify.code, verify.stderr).toBe(0);
  }, 300_000);
});
