// A stored PEM key that an honest upstream returns re-wrapped (other columns, indented, in JSON, or
// its bare body) is a whole occurrence, never pieces: pieces of a value not placed trip the wire
// (issue 18 Precisions, "honest reads that return stored values whole suspend no one"). The pem view
// (src/redact/views/pem.ts) reads the block with its line breaks out, as the value is indexed.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact/redactor.js';

const PEM = String(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' })).trim();
const BODY = PEM.split('\n').slice(1, -1).join('');
const wrap = (width: number, indent = '') => `-----BEGIN PRIVATE KEY-----\n${BODY.match(new RegExp(`.{1,${width}}`, 'g'))!.map((l) => indent + l).join('\n')}\n${indent}-----END PRIVATE KEY-----`;

describe('a stored PEM key re-wrapped is read whole', () => {
  const r = new Redactor();
  r.add({ name: 'TLS_KEY', value: PEM });
  const layouts: Record<string, string> = {
    'as stored': PEM,
    '76 columns (MIME)': wrap(76),
    '40 columns': wrap(40),
    '80 columns, indented (YAML block)': wrap(80, '    '),
    'CRLF line ends': wrap(64).replace(/\n/g, '\r\n'),
    'in JSON': JSON.stringify({ pem: wrap(76) }),
  };
  for (const [label, text] of Object.entries(layouts)) {
    it(label, () => {
      const { hits, unscanned } = r.inspect(`{"name":"tls"}\n${text}\n`);
      expect(unscanned).toEqual([]);
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.filter((h) => !h.whole)).toEqual([]);
    });
  }
});
