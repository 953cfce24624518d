// `npm run bench`: runs every benchmark of SPEC §10 that exists and rewrites BENCHMARKS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const f = (n, d = 2) => Number(n).toFixed(d);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const sections = [];

// `npm run bench -- NAME`: that benchmark alone, its section replaced (or added) in BENCHMARKS.md.
const SELECTABLE = { 'http-team': './http-team.mjs', postgres: './postgres.mjs', wall: './wall.mjs' };
const only = process.argv[2];
if (only !== undefined) {
  if (!Object.hasOwn(SELECTABLE, only)) {
    process.stderr.write(`bench: no benchmark named ${JSON.stringify(only)} to run alone; choose one of: ${Object.keys(SELECTABLE).join(', ')} (or none for all)\n`);
    process.exit(2);
  }
  const bench = await import(SELECTABLE[only]);
  process.stderr.write(`${only}...\n`);
  const section = bench.markdown(await bench.run());
  const file = new URL('../../BENCHMARKS.md', import.meta.url);
  const doc = readFileSync(file, 'utf8');
  const heading = section.slice(0, section.indexOf('\n'));
  const start = doc.indexOf(`${heading}\n`);
  const end = start < 0 ? -1 : doc.indexOf('\n## ', start + heading.length);
  const anchor = doc.indexOf('\n## B3 ');
  const updated =
    start >= 0 ? `${doc.slice(0, start)}${section}${end < 0 ? '\n' : `\n${doc.slice(end)}`}` : anchor >= 0 ? `${doc.slice(0, anchor)}\n${section}\n${doc.slice(anchor)}` : `${doc}\n${section}\n`;
  writeFileSync(file, updated);
  process.stdout.write(`${section}\n`);
  process.exit(0);
}

process.stderr.write('B1/B2: http_request latency and throughput...\n');
const http = await (await import('./http.mjs')).run();
sections.push(`## B1 — added latency of one http_request (1 KiB response, loopback stub)

| path | median | added vs direct |
| --- | --- | --- |
| direct undici request | ${f(http.b1.directMs, 3)} ms | — |
| bare SDK fetch tool over stdio (protocol floor) | ${f(http.b1.bareSdkMs, 3)} ms | ${f(http.b1.bareAddedMs, 3)} ms |
| Blindfold \`http_request\` over stdio, audit trail left out (before) | ${f(http.b1.noAuditMs, 3)} ms | ${f(http.b1.noAuditAddedMs, 3)} ms |
| Blindfold \`http_request\` over stdio, audit on (\`blindfold serve\`) | ${f(http.b1.blindfoldMs, 3)} ms | **${f(http.b1.blindfoldAddedMs, 3)} ms** |

Target: ≤ 1 ms added. Median of ${http.samples} sequential calls per path after 50 warm-up calls each, the paths
interleaved in blocks of 50 calls so that noise on the machine falls on all of them alike. The "before" row is the same
built server without the audit trail (tools/bench/no-audit-server.mjs), measured in the same run.

## B2 — throughput, 32 concurrent calls over one stdio session

| path | calls/s | ratio to direct | ratio to the bare SDK server |
| --- | --- | --- | --- |
| direct undici | ${f(http.b2.directRps, 0)} | 100 % | — |
| bare SDK fetch tool | ${f(http.b2.bareSdkRps, 0)} | ${f(http.b2.bareRatio * 100, 1)} % | 100 % |
| Blindfold \`http_request\` | ${f(http.b2.blindfoldRps, 0)} | ${f(http.b2.blindfoldRatio * 100, 1)} % | **${f((http.b2.blindfoldRps / http.b2.bareSdkRps) * 100, 1)} %** |

Target (SPEC §10): ≥ 80 % of the bare SDK server's rate; ${http.total} calls per path. ${http.b2.blindfoldRps >= 0.8 * http.b2.bareSdkRps ? 'Met.' : 'Not met.'}
Where Blindfold's CPU goes: \`node tools/bench/profile.mjs\` (and \`... bare\` for the bare server) profiles the server under
this load; see the profile section below.`);

process.stderr.write('B2 and B6 over Streamable HTTP: the team server...\n');
{
  const team = await import('./http-team.mjs');
  sections.push(team.markdown(await team.run()));
}

try {
  const redact = await import('./redact.mjs');
  process.stderr.write('B3: redaction throughput...\n');
  const r = await redact.run();
  sections.push(redact.markdown ? redact.markdown(r) : `## B3 — redaction\n\n\`\`\`json\n${JSON.stringify(r, null, 2)}\n\`\`\``);
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
}

process.stderr.write('B3 (issue 18): the response wall on real and hostile answers...\n');
const wall = await import('./wall.mjs');
sections.push(wall.markdown(await wall.run()));

process.stderr.write('Issue 18: linear cost of the wall on hostile answers...\n');
const linearity = await import('./linearity.mjs');
sections.push(linearity.markdown(await linearity.run()));

process.stderr.write('Argument cap: an 8 MB tool call...\n');
const cap = await import('./argument-cap.mjs');
sections.push(cap.markdown(await cap.run()));

process.stderr.write('Tripwire: screening an agent input...\n');
const tripwire = await import('./tripwire.mjs');
sections.push(tripwire.markdown(await tripwire.run()));

process.stderr.write('B4: cold start and --help...\n');
const coldStart = await import('./cold-start.mjs');
sections.push(coldStart.markdown(await coldStart.run()));

// B8: the plugin path (openBlindfold in-process, as the runtime adapters use it).
process.stderr.write('B8: plugin path...\n');
const plugin = await import('./plugin.mjs');
sections.push(plugin.markdown(await plugin.run()));

process.stderr.write('Broker cost per call at 1 and 10,000 secrets...\n');
const scale = await import('./scale.mjs');
sections.push(scale.markdown(await scale.run()));

process.stderr.write('B5: the store at 10,000 secrets...\n');
const b5 = await import('./b5.mjs');
sections.push(b5.markdown(await b5.run()));

process.stderr.write('B2: CPU profile of the server under 32 concurrent calls...\n');
{
  const { execFileSync } = await import('node:child_process');
  const profile = (...args) => execFileSync(process.execPath, [new URL('./profile.mjs', import.meta.url).pathname, ...args], { encoding: 'utf8' }).trim();
  sections.push(`## B2 profile — where the server's CPU goes (32 concurrent calls, 1 KiB body)

Command: \`node tools/bench/profile.mjs\` and \`node tools/bench/profile.mjs bare\` (self time, as shares of each server's
own CPU profile; the server runs as one bundle, so its functions are named rather than its files). Time inside
\`write*String\` is the write system call to the client's pipe and the stub's socket, which on a 2-core machine
shared with the client also counts the wait for a core.

\`\`\`
${profile()}

${profile('bare')}
\`\`\``);
}

process.stderr.write('B4 and B8: CPU profiles of a start and of the in-process path...\n');
{
  const { execFileSync } = await import('node:child_process');
  const run = (script) => execFileSync(process.execPath, [new URL(script, import.meta.url).pathname], { encoding: 'utf8' }).trim();
  sections.push(`## B4 profile — where a start at 10,000 secrets goes

Command: \`node tools/bench/profile-start.mjs\` (self time, as shares of the whole server process's CPU profile, spawn to
exit; \`tools/list\` is answered before the redaction index is fed, which the profile includes).

\`\`\`
${run('./profile-start.mjs')}
\`\`\`

## B8 profile — where the in-process call goes

Command: \`node tools/bench/profile-inprocess.mjs\` (the B8 bench run under the CPU profiler: every path of it, direct
undici included, so undici's share is partly the baseline's).

\`\`\`
${run('./profile-inprocess.mjs')}
\`\`\``);
}

const doc = `# Benchmarks

Produced by \`npm run bench\` (tools/bench/run.mjs) on ${machine}, ${new Date().toISOString().slice(0, 10)}.
Each figure is measured in the same run as the direct alternative it is compared with.

${sections.join('\n\n')}
`;
writeFileSync(new URL('../../BENCHMARKS.md', import.meta.url), doc);
process.stdout.write(doc);
