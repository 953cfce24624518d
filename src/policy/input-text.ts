/**
 * An agent's input as the JSON text the tripwire scans. JSON.stringify recurses: an argument nested
 * some 10,000 levels deep (40 KB, far under the input cap) threw a RangeError before the scan, and
 * the call ended as an INTERNAL error with nothing on the trail (red team 12c). Such an input is
 * written out here without recursion instead, and scanned like any other.
 */
export function inputText(input: unknown, maxBytes: number): string {
  try {
    return JSON.stringify(input) ?? '';
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  return deepText(input, maxBytes);
}

const LITERAL = Symbol('literal');
type Item = unknown | { [LITERAL]: string };
const literal = (text: string): Item => ({ [LITERAL]: text });

/**
 * The same text, walked with a stack of its own. It stops once it is longer than `maxBytes`
 * characters (the caller refuses an input that large; a structure that loops never ends otherwise).
 */
function deepText(input: unknown, maxBytes: number): string {
  const out: string[] = [];
  let length = 0;
  const stack: Item[] = [input];
  while (stack.length > 0 && length <= maxBytes) {
    const item = stack.pop();
    let text: string;
    if (item !== null && typeof item === 'object' && LITERAL in item) text = (item as { [LITERAL]: string })[LITERAL];
    else if (Array.isArray(item)) {
      stack.push(literal(']'));
      for (let i = item.length - 1; i >= 0; i--) stack.push(item[i] === undefined ? null : item[i], ...(i > 0 ? [literal(',')] : []));
      text = '[';
    } else if (item !== null && typeof item === 'object' && typeof (item as { toJSON?: unknown }).toJSON !== 'function') {
      const entries = Object.entries(item).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
      stack.push(literal('}'));
      for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]![1], literal(`${i > 0 ? ',' : ''}${JSON.stringify(entries[i]![0])}:`));
      text = '{';
    } else text = JSON.stringify(item) ?? 'null';
    out.push(text);
    length += text.length;
  }
  return out.join('');
}
