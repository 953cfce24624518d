// Where B8's in-process call goes (issue 19 item 5): this process runs the plugin bench
// (tools/bench/plugin.mjs: handle, adapter and direct undici calls alternately) under the inspector's
// CPU profiler; prints self time by file and by function, as shares of the profile.
// Run: npm run build && node tools/bench/profile-inprocess.mjs
// (started without --cpu-prof, it runs itself again with it and summarises the profile).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarise } from './cpu-summary.mjs';

if (process.execArgv.some((a) => a.startsWith('--cpu-prof'))) {
  const { run } = await import('./plugin.mjs');
  const r = await run({ warmup: 300, samples: 1500 });
  console.log(`handle ${r.handle.toFixed(3)} ms, direct ${r.direct.toFixed(3)} ms (added ${r.handleAdded.toFixed(3)} ms)`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'blindfold-profile-b8-'));
  const out = execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, new URL(import.meta.url).pathname], { encoding: 'utf8' });
  const { totalMs, byFile, byFunction } = summarise(dir);
  console.log(`${out.trim()}; CPU profile of the process ${totalMs.toFixed(0)} ms (every path of the bench, undici's included)`);
  console.log('by file:\n' + byFile.join('\n'));
  console.log('by function:\n' + byFunction.join('\n'));
  rmSync(dir, { recursive: true, force: true });
}
