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

/**
 * Inclusive time of Blindfold's own functions (each sample counted once for every distinct
 * function on its stack, async continuations included), as shares of the profile: where a call's
 * time goes step by step. Functions of the serve bundle are named by the source module esbuild
 * marks (`// src/...`) above them.
 */
export function inclusiveOwn(dir, bundlePath, { functions = 25 } = {}) {
  const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
  const starts = [];
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /^\/\/ (\S+)$/.exec(line);
      if (m) starts.push([i, m[1]]);
    });
  const moduleAt = (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '?';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) [found, lo] = [starts[mid][1], mid + 1];
      else hi = mid - 1;
    }
    return found;
  };
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (n) => {
    const u = n.callFrame.url;
    const file = u.endsWith('.cjs') ? moduleAt(n.callFrame.lineNumber) : u.replace(/.*\/dist\//, 'dist/');
    return file.startsWith('src/') ? `${n.callFrame.functionName || '(anonymous)'} ${file}` : undefined;
  };
  let total = 0;
  const inclusive = new Map();
  for (const n of profile.nodes) {
    const us = self.get(n.id) ?? 0;
    if (!us) continue;
    total += us;
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const name = nameOf(byId.get(id));
      if (name && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      }
    }
  }
  return [...inclusive]
    .sort((a, b) => b[1] - a[1])
    .slice(0, functions)
    .map(([name, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
}
