/**
 * HTML built only through one tagged template: every interpolated string is escaped, so text from
 * the vault, the audit trail or a request (an agent chose the paths on the trail) can never become
 * markup. Only `Html` made by this template passes through unescaped; there is no other way in.
 */

export class Html {
  readonly #text: string;
  private constructor(text: string) {
    this.#text = text;
  }
  toString(): string {
    return this.#text;
  }
  /** Only the template below makes one. */
  static trusted(text: string): Html {
    return new Html(text);
  }
}

export type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

function render(part: Part): string {
  if (part instanceof Html) return part.toString();
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === null || part === undefined || part === false || part === true) return '';
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < parts.length; i++) out += render(parts[i]) + strings[i + 1]!;
  return Html.trusted(out);
}

/** A path segment of one of our URLs (secret and token names are name-shaped; encoded anyway). */
export function seg(text: string): string {
  return encodeURIComponent(text);
}
