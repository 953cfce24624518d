// A table read down its columns (src/redact/views/table-columns.ts): a value wrapped inside one
// cell over several lines, beside other columns, is read whole again. Family members other than the
// red team's: box drawing (rich), markdown without aligned borders, rules between rows
// (cli-table3), the value's column first or between two others, other wrap widths.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';

const VALUE = 'tb-Zq9Lm4Np7Qx2Rt5Yu8IoWe3Kd';
const pieces = (v: string, n: number) => v.match(new RegExp(`[^]{1,${n}}`, 'g'))!;
const NOTES = ['production', 'rotated 2024-05-01', 'owner: platform', 'do not share', 'expires soon', 'n/a'];

function redactor(): Redactor {
  const r = new Redactor({ key: new Uint8Array(32).fill(4) });
  r.add({ name: 'S', value: VALUE });
  return r;
}

/** Rows of [note, piece of the value, status]. */
const rows = (width: number) => pieces(VALUE, width).map((p, i) => [NOTES[i] ?? '', p, i === 0 ? 'active' : ''] as const);

const LAYOUTS: Record<string, (width: number) => string> = {
  'rich box drawing, the value between two columns': (w) =>
    ['┏━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━┓', ...rows(w).map(([n, p, s]) => `┃ ${n.padEnd(18)} │ ${p.padEnd(w)} │ ${s.padEnd(6)} ┃`), '┗━━━━━━━━━━━━━━━━━━━━┻━━━━━━━━━━━━━┻━━━━━━━━┛'].join('\n'),
  'markdown, borders not aligned, header and rule first': (w) => ['| key | note |', '|---|---|', ...rows(w).map(([n, p]) => `| ${p} | ${n} |`)].join('\n'),
  'cli-table3 with a rule between rows': (w) => rows(w).map(([n, p]) => `| ${n.padEnd(18)} | ${p.padEnd(w)} |`).join('\n+--------------------+------------+\n'),
  'no outer borders': (w) => rows(w).map(([n, p]) => `${n.padEnd(18)} | ${p}`).join('\r\n'),
};

describe('a value wrapped in a table cell beside other columns', () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    for (const width of [5, 7, 11]) {
      it(`${name}, wrapped every ${width}`, () => {
        expect(redactor().redact(`Keys:\n${layout(width)}\n`).redacted).toEqual(['S']);
      });
    }
  }

  it('an honest table (a markdown report) is scanned to the end and left alone', () => {
    const table = ['| id | name | status |', '|----|------|--------|', ...Array.from({ length: 300 }, (_, i) => `| ${i} | worker-${i} | ${i % 3 ? 'ok' : 'degraded'} |`)].join('\n');
    const result = redactor().inspect(table);
    expect(result.unscanned).toEqual([]);
    expect(result.hits).toEqual([]);
  });
});
