// Fairness between long scans (issue 18 item 6): several large answers scanned at once must not
// hold the event loop for a piece each in a row. Every scan in flight waits in one queue and one
// decoding piece runs per turn of the loop, so a timer or an I/O callback (another principal's
// call) waits for one piece, not for one piece of every scan in flight. Counted in turns of the
// loop, not in milliseconds (no timing assertion).
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { DECODE_PIECE } from '../../src/redact/occurrences.js';
import { Redactor } from '../../src/redact/redactor.js';

it('scans in flight run one decoding piece per turn of the event loop, all scans together', async () => {
  const r = new Redactor({ key: randomBytes(32) });
  for (let i = 0; i < 5; i++) r.add({ name: `S${i}`, value: `sk_live_${randomBytes(18).toString('base64url')}` });
  const piecesPerScan = 6;
  // Escapes in every piece: each piece has decoding work, none is skipped as plain text.
  const text = 'a&amp;b%20c\\u0041 '.repeat(Math.ceil((piecesPerScan * DECODE_PIECE) / 18)).slice(0, piecesPerScan * DECODE_PIECE);
  const scans = 8;
  let turns = 0;
  let done = false;
  // An immediate chained from the check phase runs once per turn of the loop.
  const tick = (): void => {
    turns++;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  const results = await Promise.all(Array.from({ length: scans }, () => r.inspectAsync(text)));
  done = true;
  for (const found of results) expect(found.unscanned).toEqual([]);
  // A turn per piece of every scan (some 48 here); a bare setImmediate per piece ran a piece of
  // each of the 8 scans in the same turn, some 6 turns in all.
  expect(turns).toBeGreaterThanOrEqual((scans * piecesPerScan) / 2);
});
