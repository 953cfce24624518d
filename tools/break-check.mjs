// Breaks each security mechanism of the response wall (issue 18) once, runs the tests that guard it,
// and restores the source: every line must say RED (a test that stays green with its mechanism
// removed guards nothing). Slow (a build and a test file per mechanism): run by hand, not in CI.
//   node tools/break-check.mjs [part of a label ...]
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** [mechanism, file, text to remove or replace, replacement, tests that must go red]. */
const MUTATIONS = [
  ['fail closed (an incomplete scan passed as clean)', 'src/redact/scan.ts', '    if (!decoded.complete) unscanned.push([from, to]);', '', ['test/adversarial/wall.test.ts']],
  ['no oracle (a piece of a value not placed shown)', 'src/policy/answer-judge.ts', 'const unplaced = [...findings.pieces].filter((n) => !placed.has(n));', 'const unplaced: string[] = [];', ['test/adversarial/wall.test.ts', 'test/adversarial/redteam-oracle.test.ts']],
  ['Range dropped', 'src/egress/outgoing.ts', 'if (isRangeHeader(name) && !keepRange) continue;', '', ['test/adversarial/wall.test.ts']],
  ['partial answers withheld', 'src/redact/response.ts', 'partial: !partialAllowed && isPartialRepresentation(res) };', 'partial: false };', ['test/adversarial/wall.test.ts']],
  ['byte-list view', 'src/redact/views/index.ts', '  byteListView,\n', '', ['test/adversarial/spellings-by-kind.test.ts']],
  ['fold view', 'src/redact/views/index.ts', '  unjoined(foldView),\n', '', ['test/adversarial/spellings-by-kind.test.ts']],
  ['joins', 'src/redact/views/index.ts', '  (v, o) => joinView(v, o, false),\n  (v, o) => joinView(v, o, true),\n', '', ['test/adversarial/spellings-by-kind.test.ts']],
  ['inflate view', 'src/redact/views/index.ts', '  inflateView,\n', '', ['test/adversarial/spellings-by-kind.test.ts']],
  ['markup view', 'src/redact/views/index.ts', '  unjoined(markupView),\n', '', ['test/adversarial/redteam-spellings.test.ts']],
  ['stream view', 'src/redact/views/index.ts', '  unjoined(streamView),\n', '', ['test/adversarial/redteam2-spellings.test.ts']],
  ['pem view', 'src/redact/views/index.ts', '  unjoined(pemView),\n', '', ['test/adversarial/redteam-false-alarms.test.ts']],
  ['public parts', 'src/redact/public-parts.ts', 'export function publicParts(value: string): Range[] {\n', 'export function publicParts(value: string): Range[] {\n  if (value) return [];\n', ['test/adversarial/honest-traffic.test.ts']],
  ['word test (URL tokens)', 'src/redact/structured-parts.ts', '  if (token.length < WINDOW) return false;\n', '  return false;\n', ['test/adversarial/redteam13-url-word-tokens.test.ts', 'test/unit/structured-parts.test.ts']],
  ['JSON structure', 'src/redact/public-parts.ts', '  const json = jsonSecretParts(value, publicParts);\n', '  const json = undefined as Range[] | undefined;\n', ['test/adversarial/redteam13-json-credential.test.ts', 'test/unit/structured-parts.test.ts']],
  ['key parts (the public half of a private key)', 'src/redact/public-parts.ts', '      parts.push(...keyPublicParts(value, m[0], end));\n', '', ['test/adversarial/redteam13-public-key-half.test.ts']],
  ['key parts (an RSA key\'s private exponent kept secret)', 'src/redact/key-parts.ts', '...k.slice(3).map(head)]', 'whole(k[3]!), ...k.slice(4).map(head)]', ['test/adversarial/redteam13-private-half.test.ts']],
  ['argument cap', 'src/mcp/capped-lines.ts', 'else if (this.#size + piece.length > this.maxBytes)', 'else if (false)', ['test/adversarial/argument-cap.test.ts']],
  ['retention by time', 'src/store/audit/retention.ts', 'if (newest === undefined || newest >= now - retentionMs) break;', 'if (newest === undefined) break;', ['test/adversarial/audit-flush.test.ts']],
  ['terminal escaping', 'src/cli/io.ts', '  return text.replace(UNSAFE_BUT_LAYOUT, visible);', '  return text;', ['test/adversarial/terminal-controls.test.ts']],
  ['tombstones indexed', 'src/vault/plaintext.ts', '  for (const [name, tombstones] of Object.entries(file.retired ?? {})) {', '  for (const [name, tombstones] of Object.entries({} as typeof file.retired & object)) {', ['test/adversarial/tombstones.test.ts']],
];

const only = process.argv.slice(2);
let green = 0;
for (const [label, file, from, to, tests] of MUTATIONS) {
  if (only.length > 0 && !only.some((o) => label.includes(o))) continue;
  const source = readFileSync(file, 'utf8');
  if (!source.includes(from)) {
    console.log(`MISSING ${label}: its code moved (${file}); update this list`);
    green++;
    continue;
  }
  writeFileSync(file, source.replace(from, to));
  try {
    execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
    const run = spawnSync('npx', ['vitest', 'run', ...tests], { encoding: 'utf8' });
    const summary = run.stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n').find((l) => /^\s*Tests\s/.test(l))?.trim() ?? '';
    if (run.status === 0) green++;
    console.log(`${run.status === 0 ? 'GREEN' : 'RED  '} ${label} :: ${summary}`);
  } finally {
    writeFileSync(file, source);
  }
}
execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
process.exitCode = green > 0 ? 1 : 0;
