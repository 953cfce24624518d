// The stdio transport under a slow or failing stdout (issue 10): answers queue behind one another
// with backpressure, and a write error ends the session instead of escaping as an uncaught 'error'.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GuardedStdioTransport } from '../../src/mcp/stdio.js';

const message = (id: number) => ({ jsonrpc: '2.0' as const, id, result: { pad: 'x'.repeat(1000) } });

describe('GuardedStdioTransport', () => {
  it('writes answers one at a time, in order, each after the previous drained', async () => {
    const written: number[] = [];
    let maxDrainListeners = 0;
    const stdout: Writable = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        written.push(JSON.parse(chunk.toString('utf8')).id as number);
        maxDrainListeners = Math.max(maxDrainListeners, stdout.listenerCount('drain'));
        setTimeout(cb, 2);
      },
    });
    const transport = new GuardedStdioTransport(new PassThrough(), stdout);
    await transport.start();
    await Promise.all(Array.from({ length: 20 }, (_, i) => transport.send(message(i))));
    expect(written).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(maxDrainListeners).toBeLessThanOrEqual(1);
    await transport.close();
  });

  it('a stdout that fails (EPIPE) closes the session; nothing is thrown, later sends resolve', async () => {
    const stdout = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const transport = new GuardedStdioTransport(new PassThrough(), stdout);
    let closed = false;
    transport.onclose = () => (closed = true);
    await transport.start();
    await transport.send(message(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(true);
    await expect(transport.send(message(2))).resolves.toBeUndefined();
  }, 5_000);
});
