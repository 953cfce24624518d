/** "Did you mean" for unknown secret names: optimal-string-alignment distance, case-insensitive. */
export function closestNames(name: string, candidates: readonly string[], max = 3): string[] {
  const target = name.toLowerCase();
  const limit = Math.max(2, Math.floor(target.length / 3));
  return candidates
    .map((c) => {
      const lower = c.toLowerCase();
      let d = distance(target, lower);
      if (lower.includes(target) || target.includes(lower)) d = Math.min(d, 1);
      return { c, d };
    })
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map(({ c }) => c);
}

function distance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
