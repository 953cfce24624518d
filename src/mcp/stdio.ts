import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { logger } from '../log.js';
import type { Blindfold } from '../open.js';
import { createServer } from './server.js';

/**
 * The SDK's stdio transport with two holes closed: answers are written one at a time, each waiting
 * for the previous one to drain (the SDK writes every answer at once and parks one 'drain' listener
 * per waiting answer), and a stdout that fails (EPIPE: the client went away; ENOBUFS) ends the
 * session instead of throwing an uncaught 'error' that kills the process with a stack trace.
 */
export class GuardedStdioTransport extends StdioServerTransport {
  readonly #stdout: NodeJS.WritableStream & { writableNeedDrain?: boolean };
  #queue: Promise<void> = Promise.resolve();
  #broken = false;
  readonly #onError = (err: Error) => this.#fail(err);

  constructor(stdin: NodeJS.ReadableStream = process.stdin, stdout: NodeJS.WritableStream = process.stdout) {
    super(stdin as typeof process.stdin, stdout as typeof process.stdout);
    this.#stdout = stdout;
    stdout.on('error', this.#onError);
  }

  override send(message: JSONRPCMessage): Promise<void> {
    const next = this.#queue.then(() => this.#write(serializeMessage(message)));
    this.#queue = next;
    return next;
  }

  override async close(): Promise<void> {
    this.#stdout.off('error', this.#onError);
    // Keep a late write error (after close) from becoming an uncaught exception.
    this.#stdout.on('error', () => {});
    await super.close();
  }

  #write(line: string): Promise<void> {
    if (this.#broken) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        this.#stdout.off('drain', done);
        this.#stdout.off('close', done);
        this.#stdout.off('error', done);
        resolve();
      };
      let ok: boolean;
      try {
        ok = this.#stdout.write(line, (err) => {
          if (err) this.#fail(err);
        });
      } catch (err) {
        this.#fail(err as Error);
        return resolve();
      }
      if (ok) return resolve();
      this.#stdout.once('drain', done);
      this.#stdout.once('close', done);
      this.#stdout.once('error', done);
    });
  }

  #fail(err: Error): void {
    if (this.#broken) return;
    this.#broken = true;
    const code = (err as NodeJS.ErrnoException).code ?? err.name;
    logger().warn({ code }, `stdout failed (${code}): the client is gone or not reading; ending the session`);
    void this.close().catch(() => {});
  }
}

/** Serves one MCP session on stdin/stdout until the client goes away. */
export async function serveStdio(blindfold: Blindfold): Promise<void> {
  const server = createServer(blindfold);
  const transport = new GuardedStdioTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
}
