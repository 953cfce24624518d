/**
 * `watch` on PostgreSQL: LISTEN on a connection of its own (a pooled one would be handed to other
 * queries), told by the NOTIFY every landed change sends with its COMMIT. Notifications sent while
 * the connection is down are lost for good, so after every (re)connect the subscribers are called
 * once anyway: they re-read, and the change feed tells them what they missed. A lost connection is
 * retried with a growing delay (capped), for as long as anyone watches.
 */
import type { Client } from 'pg';
import { logger } from '../../log.js';
import type { PostgresConnection } from './connection.js';

/** The channel every instance's writes NOTIFY on (one vault per database). */
export const CHANGES_CHANNEL = 'blindfold_changes';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;

export class ChangeListener {
  readonly #connection: PostgresConnection;
  readonly #subscribers = new Set<() => void>();
  #client: Client | undefined;
  /** Bumped by every (re)connect and by stop: events of an older client are ignored. */
  #generation = 0;
  #retryMs = FIRST_RETRY_MS;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(connection: PostgresConnection) {
    this.#connection = connection;
  }

  subscribe(onChange: () => void): () => void {
    const subscriber = () => onChange();
    this.#subscribers.add(subscriber);
    if (this.#subscribers.size === 1) void this.#connect();
    return () => {
      this.#subscribers.delete(subscriber);
      if (this.#subscribers.size === 0) this.#stop();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscribers.clear();
    this.#stop();
  }

  #notify(): void {
    for (const subscriber of this.#subscribers) queueMicrotask(subscriber);
  }

  async #connect(): Promise<void> {
    if (this.#closed || this.#subscribers.size === 0) return;
    const generation = ++this.#generation;
    let client: Client | undefined;
    const lost = () => {
      if (generation !== this.#generation) return;
      this.#generation++;
      this.#client = undefined;
      void client?.end().catch(() => {});
      this.#retry();
    };
    try {
      client = await this.#connection.dedicatedClient();
      client.on('error', lost);
      client.on('end', lost);
      client.on('notification', () => {
        if (generation === this.#generation) this.#notify();
      });
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (generation !== this.#generation) {
        await client.end().catch(() => {});
        return;
      }
      this.#client = client;
      this.#retryMs = FIRST_RETRY_MS;
      // Whatever landed before LISTEN took hold (or while the connection was down) sent no notice we got.
      this.#notify();
    } catch (err) {
      logger().warn({ code: (err as { code?: string }).code }, 'cannot LISTEN for store changes on PostgreSQL; retrying');
      lost();
    }
  }

  #retry(): void {
    if (this.#closed || this.#subscribers.size === 0 || this.#timer) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, delay);
    this.#timer.unref();
  }

  #stop(): void {
    this.#generation++;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    void client?.end().catch(() => {});
  }
}
