/** Character ranges [start, end) of a value, shared by public-parts.ts and structured-parts.ts. */
export type Range = [number, number];

/** The ranges of [0, n) not in `ranges` (sorted, not overlapping). */
export function complement(ranges: Range[], n: number): Range[] {
  const out: Range[] = [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (at < n) out.push([at, n]);
  return out;
}
