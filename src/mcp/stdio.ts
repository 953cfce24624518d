import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { ErrorCode, InitializeRequestSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { logger } from '../log.js';
import type { Blindfold } from '../open.js';
import { DEFAULT_LIMITS } from '../settings.js';
import { CappedLineReader, idFromEdges } from './capped-lines.js';
import { createServer } from './server.js';

export interface StdioTransportOptions {
  /** Largest message read, in raw bytes, before JSON is parsed (limits.maxArgumentBytes). */
  maxMessageBytes?: number;
}

/**
 * The SDK's stdio transport with three holes closed: a message is capped in raw bytes as it is
 * read (capped-lines.ts: an oversized one is skipped unparsed and answered with an error for its
 * id, and the session goes on), answers are written one at a time, each waiting for the previous
 * one to drain (the SDK writes every answer at once and parks one 'drain' listener per waiting
 * answer), and a stdout that fails (EPIPE: the client went away; ENOBUFS) ends the session
 * instead of throwing an uncaught 'error' that kills the process with a stack trace.
 */
export class GuardedStdioTransport extends StdioServerTransport {
  readonly #stdin: NodeJS.ReadableStream;
  readonly #stdout: NodeJS.WritableStream & { writableNeedDrain?: boolean };
  readonly #reader: CappedLineReader;
  #queue: Promise<void> = Promise.resolve();
  #broken = false;
  readonly #onError = (err: Error) => this.#fail(err);
  readonly #onData = (chunk: Buffer) => this.#reader.push(chunk);
  readonly #onReadError = (err: Error) => this.onerror?.(err);

  constructor(stdin: NodeJS.ReadableStream = process.stdin, stdout: NodeJS.WritableStream = process.stdout, options: StdioTransportOptions = {}) {
    super(stdin as typeof process.stdin, stdout as typeof process.stdout);
    this.#stdin = stdin;
    this.#stdout = stdout;
    stdout.on('error', this.#onError);
    const max = options.maxMessageBytes ?? DEFAULT_LIMITS.maxArgumentBytes;
    this.#reader = new CappedLineReader(max, {
      line: (bytes) => this.#deliver(bytes),
      oversized: (head, tail) => this.#refuseOversized(idFromEdges(head, tail), max),
    });
  }

  /** Replaces the SDK's reader (one ever-growing buffer) with the capped one; nothing else changes. */
  override async start(): Promise<void> {
    this.#stdin.on('data', this.#onData);
    this.#stdin.on('error', this.#onReadError);
  }

  #deliver(bytes: Buffer): void {
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(bytes.toString('utf8'));
    } catch (err) {
      this.onerror?.(err as Error);
      return;
    }
    this.onmessage?.(message);
  }

  #refuseOversized(id: string | number | null, max: number): void {
    logger().warn({ id, maxBytes: max }, `an MCP message over ${max} bytes was skipped unread and refused`);
    // id null when it could not be found: JSON-RPC's answer to a request it cannot identify.
    const refusal = {
      jsonrpc: '2.0',
      id,
      error: {
        code: ErrorCode.InvalidRequest,
        message:
          `the message was refused unread: it is over ${max} bytes, the limit for one tool call with all its arguments ` +
          '(an admin can raise limits.maxArgumentBytes in the settings file, or pass serve --max-argument-bytes)',
      },
    } as unknown as JSONRPCMessage;
    void this.send(refusal);
  }

  override send(message: JSONRPCMessage): Promise<void> {
    const next = this.#queue.then(() => this.#write(serializeMessage(message)));
    this.#queue = next;
    return next;
  }

  override async close(): Promise<void> {
    this.#stdin.off('data', this.#onData);
    this.#stdin.off('error', this.#onReadError);
    this.#reader.clear();
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

/**
 * A stdio server's principal: `stdio:NAME` when the admin named it (serve --principal, settings),
 * else the client's own name (MCP initialize) and this server entry, `stdio:<client>:<instance>`.
 * The instance is stable across restarts of one entry, so a restart keeps its suspension and its
 * spent allowance. The client's name is reduced to letters, digits, `_ . -`: it reaches admins'
 * terminals and the audit trail.
 */
export function stdioPrincipalId(parts: { name?: string | undefined; clientName?: string | undefined; instance: string }): string {
  if (parts.name) return `stdio:${parts.name}`;
  const client =
    (parts.clientName ?? '')
      .normalize('NFKC')
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+|-+$/g, '')
      .slice(0, 48) || 'client';
  return `stdio:${client}:${parts.instance}`;
}

/** Serves one MCP session on stdin/stdout until the client goes away. */
export async function serveStdio(blindfold: Blindfold, options: StdioTransportOptions = {}): Promise<void> {
  const server = createServer(blindfold);
  const transport = new GuardedStdioTransport(process.stdin, process.stdout, options);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  // The principal is learnt from the first initialize, before the SDK answers it and before any
  // tool call can be served; a later initialize changes nothing (open.ts, PrincipalSlot).
  const deliver = transport.onmessage;
  transport.onmessage = (message: JSONRPCMessage) => {
    if ('method' in message && message.method === 'initialize') {
      const init = InitializeRequestSchema.safeParse(message);
      // A malformed initialize still fixes the principal (unnamed): nothing may come before it.
      blindfold.learnClient(init.success ? init.data.params.clientInfo.name : undefined);
    }
    deliver?.(message);
  };
  await closed;
  await server.close().catch(() => {});
}
