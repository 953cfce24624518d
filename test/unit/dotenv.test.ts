import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/cli/dotenv.js';

describe('.env parsing', () => {
  it('handles export, comments, quotes, escapes and multi-line values', () => {
    const { entries, problems } = parseDotenv(
      ['# header', 'export A=plain value # comment', "B='single # kept'", 'C="line1\\nline2 \\"q\\""', 'D="multi', 'line"', '', 'E='].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.name, e.value])).toEqual([
      ['A', 'plain value'],
      ['B', 'single # kept'],
      ['C', 'line1\nline2 "q"'],
      ['D', 'multi\nline'],
      ['E', ''],
    ]);
  });

  it('reports every bad line by number, never the value, and keeps the good ones', () => {
    const { entries, problems } = parseDotenv("GOOD=1\nnot a pair with-secret-text\nQ='unterminated with-secret-text\nLAST=2");
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
    expect(JSON.stringify(problems)).not.toContain('with-secret-text');
    expect(entries.map((e) => e.name)).toEqual(['GOOD', 'LAST']);
  });
});
