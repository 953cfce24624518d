// Issue 18 item 1: the wall's cost is linear in the answer's size, also on hostile answers. Each
// hostile kind (built to push one decoder or one pass to its worst case) is inspected at 256 KiB,
// 1 MiB and 4 MiB; a linear scan takes the same time per MiB at every size, so the figure is the
// ratio of the per-MiB time at 4 MiB to the one at 256 KiB (≈ 1 when linear; a quadratic pass
// would show 16). Timing stays out of `npm test`: this runs with `npm run bench`.
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Redactor } from '../../dist/redact/redactor.js';

const KiB = 1024;
const SIZES = [256 * KiB, 1024 * KiB, 4096 * KiB];

/** Each kind: a unit repeated to the size (the worst case is usually a long run of one trigger). */
const KINDS = {
  'escapes of every kind': () => '&amp;\\\\%25=3D+\r\n&#x25;%2525\\u0026',
  'HTML comments never closed': () => '<!--',
  'tags with long attributes': () => `<a ${'x'.repeat(500)} `,
  'PEM BEGIN lines without END': () => '-----BEGIN A-----\n',
  'quoted pieces concatenated': () => `"${'a'.repeat(60)}" + `,
  'lists of short items': () => '["aa","bb",',
  'od rows of octal bytes': () => '0000000 121 172 067 130 166 062 114 160 071 122 164 064 115 156 070 102\n',
  'hex words (hexdump)': () => '0000000 7a51 5837 3276 704c 5239 3474 6e4d 4238\n',
  'single characters by blanks': () => 'a 1 b 2 ',
  'base64 of base64': () => Buffer.from(randomBytes(3 * KiB).toString('base64')).toString('base64'),
  'decimal byte lists': () => `[${Array.from(randomBytes(64), (b) => b).join(', ')}]\n`,
  'small gzip blobs in base64 (64 KiB each inflated)': () => `${gzipSync(Buffer.alloc(65536, 'a')).toString('base64')} `,
};

function inspectMs(r, text) {
  r.inspect(text.slice(0, 64 * KiB));
  const t = performance.now();
  const found = r.inspect(text);
  const ms = performance.now() - t;
  const unscanned = found.unscanned.reduce((n, [a, b]) => n + (b - a), 0) / text.length;
  return { ms, withheld: Math.min(1, unscanned) };
}

export async function run() {
  const r = new Redactor({ key: randomBytes(32) });
  for (let i = 0; i < 100; i++) r.add({ name: `S${i}`, value: `sk_live_${randomBytes(18).toString('base64url')}` });
  const rows = [];
  for (const [kind, make] of Object.entries(KINDS)) {
    const unit = make();
    const per = SIZES.map((size) => {
      const text = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
      const { ms, withheld } = inspectMs(r, text);
      return { msPerMiB: ms / (size / (1024 * KiB)), withheld };
    });
    rows.push({ kind, per, ratio: per[2].msPerMiB / per[0].msPerMiB });
  }
  return { sizes: SIZES, rows };
}

export function markdown(w) {
  const f = (n, d = 0) => Number(n).toFixed(d);
  const head = w.sizes.map((s) => `${s / KiB} KiB`).join(' | ');
  const rows = w.rows
    .map((r) => `| ${r.kind} | ${r.per.map((p) => `${f(p.msPerMiB)} ms/MiB${p.withheld > 0 ? ` (${f(p.withheld * 100)} % withheld)` : ''}`).join(' | ')} | **${f(r.ratio, 2)}** |`)
    .join('\n');
  return `## Linear cost of the wall on hostile answers (issue 18 item 1)

Command: \`npm run bench\` (this section alone: \`npm run build && node tools/bench/linearity.mjs\`).

Each hostile kind repeated to each size and inspected once (100 secrets indexed). Linear cost means
the same time per MiB at every size: the last column is the per-MiB time at 4 MiB over the one at
256 KiB (1 = linear; a pass quadratic in the size would give 16).

| hostile kind | ${head} | ratio 4 MiB / 256 KiB |
| --- | ${w.sizes.map(() => '---').join(' | ')} | --- |
${rows}

Why it is linear (README, "Security model"): answers are decoded in pieces of 16 KiB, each with a
budget of 12 view characters per input character plus 64 Ki; every decoder reads each view once,
forward, with bounded look-ahead; every view character is hashed once; a piece whose views would
pass the budget is withheld, not decoded further.`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const w = await run();
  process.stdout.write(`${markdown(w)}\n`);
}
