/**
 * The one walk over JSON values: request bodies (analysis, rendering), task bodies (binding,
 * load-time checks) and JSON answers (scrubbing) all go through it, so none can miss a corner the
 * others handle (keys, arrays in objects, `__proto__` kept as a plain key).
 */

export interface JsonWalk {
  /** Rewrites object keys (scrubbing does); keys stay as they are without it. */
  key?: (key: string) => string;
  /** Deepest nesting walked; deeper throws a RangeError. */
  maxDepth?: number;
}

/**
 * Copies a JSON value with every string replaced by `onString(text, path)`. `path` is the live
 * position (keys and indexes) and changes as the walk goes on: a caller keeping it copies it.
 */
export function mapJson(value: unknown, onString: (text: string, path: readonly (string | number)[]) => unknown, walk: JsonWalk = {}): unknown {
  const path: (string | number)[] = [];
  const maxDepth = walk.maxDepth ?? Number.POSITIVE_INFINITY;
  const visit = (v: unknown, depth: number): unknown => {
    if (depth > maxDepth) throw new RangeError('nested too deep');
    if (typeof v === 'string') return onString(v, path);
    if (Array.isArray(v)) return v.map((x, i) => inside(i, x, depth));
    if (v && typeof v === 'object') {
      // fromEntries (not assignment) so a "__proto__" key stays an own property, never a prototype.
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk.key ? walk.key(k) : k, inside(k, x, depth)]));
    }
    return v;
  };
  const inside = (step: string | number, v: unknown, depth: number): unknown => {
    path.push(step);
    try {
      return visit(v, depth + 1);
    } finally {
      path.pop();
    }
  };
  return visit(value, 0);
}
