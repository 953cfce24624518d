export interface DotenvProblem {
  line: number;
  message: string;
}

export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
}

/**
 * Parses the common .env dialect: `KEY=value`, optional `export `, `#` comments, single quotes
 * (literal), double quotes (with \n, \", \\ escapes and multi-line values). Errors name the line,
 * never the value. Every bad line is reported, not only the first, so one run shows them all.
 */
export function parseDotenv(text: string): { entries: DotenvEntry[]; problems: DotenvProblem[] } {
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? '';
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      problems.push({ line: lineNo, message: `expected NAME=value` });
      continue;
    }
    const name = m[1] ?? '';
    let rest = m[2] ?? '';
    let value: string;
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      if (end < 0) {
        problems.push({ line: lineNo, message: `unterminated single quote for ${name}` });
        continue;
      }
      value = rest.slice(1, end);
    } else if (rest.startsWith('"')) {
      let acc = rest.slice(1);
      let closed = findClosingQuote(acc);
      while (closed < 0 && i + 1 < lines.length) {
        i++;
        acc += `\n${lines[i] ?? ''}`;
        closed = findClosingQuote(acc);
      }
      if (closed < 0) {
        problems.push({ line: lineNo, message: `unterminated double quote for ${name}` });
        continue;
      }
      value = acc
        .slice(0, closed)
        .replace(/\\(["\\nrt])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      value = rest.trim();
    }
    entries.push({ name, value, line: lineNo });
  }
  return { entries, problems };
}

function findClosingQuote(text: string): number {
  for (let j = 0; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  return -1;
}

/**
 * Names whose values are public by design, by the conventions that put them in browser bundles or
 * say so outright: Stripe's publishable key, Next.js / Expo / Nuxt / SvelteKit / Vite / Create React
 * App / Gatsby client variables, *_PUBLIC_KEY (Sentry DSN key, Clerk, Paddle...). `import` proposes
 * marking them `public` (redacted, never a tripwire); it never does so unasked.
 */
const PUBLIC_NAME = /PUBLISHABLE|PUBLIC|^(?:VITE|REACT_APP|GATSBY)_/;

export function looksPublicByName(name: string): boolean {
  return PUBLIC_NAME.test(name.toUpperCase());
}
