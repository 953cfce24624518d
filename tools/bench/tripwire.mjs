// Issue 10: what the tripwire adds to one http_request (B1). The broker screens an agent's input as
// `redactor.redact(JSON.stringify(input))` against the index of every stored value (src/broker.ts,
// #screen); this times exactly that, on the arguments of the B1 call and on a call with a 1 KiB JSON
// body, with an index of 100 and of 10,000 values built from stored fingerprints as a server does.
import { randomBytes } from 'node:crypto';
import { Redactor, windowFingerprints } from '../../dist/redact/redactor.js';

const CALLS = 20_000;
const b1Input = { method: 'GET', url: 'http://127.0.0.1:40123/bytes?n=1024', headers: { Authorization: 'Bearer <secrets.BENCH_KEY>' } };
const bodyInput = {
  method: 'POST',
  url: 'https://api.example.com/v1/items?page=2&limit=50',
  headers: { Authorization: 'Bearer <secrets.BENCH_KEY>', 'Content-Type': 'application/json' },
  body: JSON.stringify({ items: Array.from({ length: 16 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['alpha', 'beta'] })) }).slice(0, 1024),
};

function perCallUs(redactor, input) {
  const screen = () => redactor.redact(JSON.stringify(input)).redacted.length;
  for (let i = 0; i < CALLS; i++) screen();
  const samples = [];
  for (let round = 0; round < 7; round++) {
    const t = performance.now();
    for (let i = 0; i < CALLS; i++) screen();
    samples.push(((performance.now() - t) * 1000) / CALLS);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

function indexOf(count) {
  const key = randomBytes(32);
  const redactor = new Redactor({ key });
  for (let i = 0; i < count; i++) redactor.addFingerprints(`S_${i}`, windowFingerprints(key, `tripwire-bench-${i}-${randomBytes(18).toString('base64url')}`));
  redactor.redact('warm');
  return redactor;
}

export async function run() {
  const rows = [];
  for (const count of [100, 10_000]) {
    const redactor = indexOf(count);
    rows.push({ count, b1Us: perCallUs(redactor, b1Input), bodyUs: perCallUs(redactor, bodyInput) });
  }
  return { rows, calls: CALLS };
}

const f = (n) => Number(n).toFixed(1);

export function markdown(r) {
  return `## Tripwire — what screening an agent's input adds to one call (issue 10)

| values indexed | B1's arguments (GET, one header) | a POST with a 1 KiB JSON body |
| --- | --- | --- |
${r.rows.map((x) => `| ${x.count.toLocaleString('en')} | **${f(x.b1Us)} µs** | ${f(x.bodyUs)} µs |`).join('\n')}

Target: the tripwire adds ≤ 0.1 ms (100 µs) to B1. The broker screens each input as
\`redactor.redact(JSON.stringify(input))\` (src/broker.ts); this times exactly that, median of 7 rounds
of ${r.calls.toLocaleString('en')} calls after as many warm-up calls, with the index built from stored fingerprints as a
server builds it. Run alone: \`npm run build && node tools/bench/tripwire.mjs\`.`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(markdown(await run()));
}
