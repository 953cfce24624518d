// Summarises a V8 .cpuprofile as shares of self time, by file and by function (the profile tools of
// tools/bench share it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The profile written into `dir` (the only file there), summarised: total ms and the top entries. */
export function summarise(dir, { files = 12, functions = 20 } = {}) {
  const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
  const byNode = new Map();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFile = new Map();
  const byFunction = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    total += us;
    const u = node.callFrame.url;
    const file = u.includes('node_modules') ? u.replace(/.*node_modules\//, '').split('/').slice(0, 2).join('/') : u.replace(/.*\/dist\//, 'dist/').replace(/^node:.*/, 'node internals') || node.callFrame.functionName;
    byFile.set(file, (byFile.get(file) ?? 0) + us);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${file}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return { totalMs: total / 1000, byFile: top(byFile, files), byFunction: top(byFunction, functions) };
}
