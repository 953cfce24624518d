import { repeatable } from '../echo.js';

export interface DotenvProblem {
  line: number;
  message: string;
}

export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
  /** Written `export NAME=…` (shell syntax): the prefix is dropped and the name imported. */
  exported: boolean;
}

/** A line `import` leaves out, and why; the name only as src/echo.ts allows. */
export interface SkippedLine {
  line: number;
  reason: string;
}

/**
 * Parses the common .env dialect: `KEY=value`, optional `export `, `#` comments, single quotes
 * (literal), double quotes (with \n, \", \\ escapes); both quotes may span lines. Errors name the
 * line, never the value. Every bad line is reported, not only the first, so one run shows them all:
 * a quote never closed is reported at its line and parsing resumes on the next one.
 */
export function parseDotenv(text: string): { entries: DotenvEntry[]; problems: DotenvProblem[]; comments: number[]; bareExports: number[] } {
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  const comments: number[] = [];
  const bareExports: number[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      comments.push(lineNo);
      continue;
    }
    // `export NAME` alone marks a shell variable for export; it has no value to import.
    if (/^export\s+[A-Za-z_][A-Za-z0-9_]*$/.test(line)) {
      bareExports.push(lineNo);
      continue;
    }
    const m = /^(export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      problems.push({ line: lineNo, message: 'expected NAME=value' });
      continue;
    }
    const exported = m[1] !== undefined;
    const name = m[2] ?? '';
    let rest = m[3] ?? '';
    let value: string;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      let acc = rest.slice(1);
      let end = i;
      let closed = findClosingQuote(acc, quote);
      while (closed < 0 && end + 1 < lines.length) {
        end++;
        acc += `\n${lines[end] ?? ''}`;
        closed = findClosingQuote(acc, quote);
      }
      if (closed < 0) {
        problems.push({ line: lineNo, message: `unterminated ${quote === "'" ? 'single' : 'double'} quote for ${repeatable(name)}` });
        continue;
      }
      i = end;
      value = quote === "'" ? acc.slice(0, closed) : acc.slice(0, closed).replace(/\\(["\\nrt])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      value = rest.trim();
    }
    entries.push({ name, value, line: lineNo, exported });
  }
  return { entries, problems, comments, bareExports };
}

/**
 * What `import` takes from parsed entries: empty values are skipped (so they do not override an
 * earlier value); of the rest, the last definition of a name wins, as when a shell sources the
 * file, and each earlier one is reported as overridden.
 */
export function chooseEntries(entries: DotenvEntry[]): { kept: DotenvEntry[]; skipped: SkippedLine[] } {
  const skipped: SkippedLine[] = [];
  const last = new Map<string, DotenvEntry>();
  for (const e of entries) {
    if (e.value === '') skipped.push({ line: e.line, reason: `${repeatable(e.name)}: empty value` });
    else last.set(e.name, e);
  }
  const kept: DotenvEntry[] = [];
  for (const e of entries) {
    if (e.value === '') continue;
    const winner = last.get(e.name)!;
    if (winner === e) kept.push(e);
    else skipped.push({ line: e.line, reason: `${repeatable(e.name)}: defined again on line ${winner.line}, which wins` });
  }
  return { kept, skipped: skipped.sort((a, b) => a.line - b.line) };
}

/** A single quote closes at the next one (literal); a double quote skips escaped characters. */
function findClosingQuote(text: string, quote: string): number {
  if (quote === "'") return text.indexOf("'");
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
