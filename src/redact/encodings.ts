/**
 * The spellings a secret value can take on its way back to an agent. A server that echoes a key
 * rarely echoes it raw: it base64s a Basic auth header, URL-encodes a query string, JSON-escapes a
 * body, HTML-escapes an error page or hex-dumps bytes. Each function returns the text to look for.
 */

/** Shortest pattern we ever search for: shorter ones would destroy unrelated text. */
export const MIN_PATTERN_LENGTH = 4;
/** Lines of a multi-line value are searched on their own when at least this long. */
const MIN_LINE_LENGTH = 8;

/**
 * Base64 of `bytes` as it appears when the value starts `shift` bytes into a longer encoded stream
 * (0, 1 or 2): only the characters that depend on the value's bits alone. `base64("user:" + key)`
 * puts the key at an arbitrary alignment, so all three shifts are searched; the stripped edge
 * characters carry at most a few bits of the value.
 */
export function base64Core(bytes: Uint8Array, shift: 0 | 1 | 2, alphabet: 'std' | 'url'): string {
  const padded = new Uint8Array(shift + bytes.length);
  padded.set(bytes, shift);
  let text = Buffer.from(padded).toString('base64').replace(/=+$/, '');
  if (alphabet === 'url') text = text.replace(/\+/g, '-').replace(/\//g, '_');
  const skipStart = shift === 0 ? 0 : shift === 1 ? 2 : 3;
  // A final partial group's last character also holds bits of whatever byte follows the value.
  const skipEnd = (shift + bytes.length) % 3 === 0 ? 0 : 1;
  return text.slice(skipStart, text.length - skipEnd);
}

function lowerPercentHex(text: string): string {
  return text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/** encodeURIComponent, plus the form encoding (`+` for space, `!'()~` escaped) and lowercase hex. */
export function urlEncodings(value: string): string[] {
  let component: string;
  try {
    component = encodeURIComponent(value);
  } catch {
    return []; // a lone surrogate has no URL encoding; nothing to search for
  }
  const strict = component.replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  const componentPlus = component.replace(/%20/g, '+');
  const out = [component, strict, form, componentPlus];
  return [...out, ...out.map(lowerPercentHex)];
}

/** JSON string escaping as JSON.stringify does it, with `\/` and with every non-ASCII as `\uXXXX`. */
export function jsonEncodings(value: string): string[] {
  const plain = JSON.stringify(value).slice(1, -1);
  const asciiOnly = plain.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  const asciiUpper = plain.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'));
  return [plain, plain.replace(/\//g, '\\/'), asciiOnly, asciiUpper];
}

/** HTML/XML escaping of the five special characters in the spellings common templating engines use. */
export function htmlEncodings(value: string): string[] {
  const base = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out: string[] = [];
  for (const quot of ['&quot;', '&#34;', '&#x22;']) {
    for (const apos of ['&#39;', '&#x27;', '&apos;']) {
      out.push(base.replace(/"/g, quot).replace(/'/g, apos));
    }
  }
  out.push(base); // engines that leave quotes alone
  return out;
}

export function hexEncodings(bytes: Uint8Array): string[] {
  const lower = Buffer.from(bytes).toString('hex');
  return [lower, lower.toUpperCase()];
}

/** Every spelling of one value; duplicates and too-short forms removed. */
export function encodingsOf(value: string): string[] {
  const forms = new Set<string>();
  const addAll = (v: string) => {
    const bytes = new TextEncoder().encode(v);
    forms.add(v);
    forms.add(Buffer.from(bytes).toString('base64'));
    for (const shift of [0, 1, 2] as const) {
      forms.add(base64Core(bytes, shift, 'std'));
      forms.add(base64Core(bytes, shift, 'url'));
    }
    for (const f of urlEncodings(v)) forms.add(f);
    for (const f of jsonEncodings(v)) forms.add(f);
    for (const f of htmlEncodings(v)) forms.add(f);
    for (const f of hexEncodings(bytes)) forms.add(f);
  };
  addAll(value);
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n|\r/)) {
      if (line.trim().length >= MIN_LINE_LENGTH) addAll(line);
    }
  }
  return [...forms].filter((f) => f.length >= MIN_PATTERN_LENGTH);
}
