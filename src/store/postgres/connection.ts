/**
 * Reaching PostgreSQL (issue 22): the pool, the driver loaded only when a PostgreSQL store is opened
 * (the file-only CLI never pays for `pg`), and the two rules every message about the database keeps:
 * the connection URL's password never appears (`location` is the URL without it), and a database
 * that does not answer is STORE_UNAVAILABLE — the call fails, the next one tries again, and service
 * resumes by itself when the database is back (the pool replaces broken connections on demand).
 * TLS follows the URL's `sslmode` with libpq's meanings (tls.ts); a bad value is refused here, at once.
 */
import type { Client, ClientConfig, Pool, PoolClient } from 'pg';
import { BlindfoldError } from '../../errors.js';
import { logger } from '../../log.js';
import { isTlsFailure, isTlsRefusedByServer, tlsChoice, type TlsChoice } from './tls.js';

export interface PostgresOptions {
  /** Connections this instance may hold (default 10): the team server's concurrency, bounded. */
  poolSize?: number;
  /** How long to wait for a connection before STORE_UNAVAILABLE (default 5 s). */
  connectTimeoutMs?: number;
  /** How long a writer waits for the vault's (or the audit chain's) lock before VAULT_LOCKED (default 30 s). */
  lockTimeoutMs?: number;
}

/**
 * A writer that stops talking mid-transaction (a hung or partitioned instance) would hold the
 * vault's lock for every instance until TCP gave up: the server ends such a session after this.
 */
const IDLE_IN_TRANSACTION_MS = 60_000;

type PgModule = typeof import('pg');
let driver: Promise<PgModule> | undefined;

/** `pg`, imported on first use. */
async function pgDriver(): Promise<PgModule> {
  driver ??= import('pg').then((m) => (m as unknown as { default?: PgModule }).default ?? (m as unknown as PgModule));
  return driver;
}

/** The URL without its password (nor a `password` parameter): what messages and `location` show. */
export function redactedLocation(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo what could not be parsed: it may hold the password in a shape we do not know.
    return 'a PostgreSQL database (its URL could not be parsed)';
  }
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) if (/pass/i.test(name) || name === 'sslkey') parsed.searchParams.delete(name);
  return parsed.toString();
}

/** The secret parts of a URL, to scrub from any driver message that might quote them (defence in depth). */
function secretsOf(url: string): string[] {
  try {
    const parsed = new URL(url);
    const found = [parsed.password, decodeURIComponent(parsed.password)];
    for (const [name, value] of parsed.searchParams) if (/pass/i.test(name)) found.push(value);
    return found.filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

/** SQLSTATEs and socket errors that mean "the database is not there (now)", not "the query is wrong". */
const UNAVAILABLE_STATES = /^(08|57P0[1-3]|53300|3D000|28)/;
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended|connection error/i;

export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  return UNAVAILABLE_STATES.test(code) || UNAVAILABLE_CODES.has(code) || (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message));
}

/** A connection to one database: the pool, its location for messages, and error translation. */
export class PostgresConnection {
  readonly location: string;
  readonly #url: string;
  readonly #secrets: string[];
  readonly #options: PostgresOptions;
  readonly #tls: TlsChoice;
  /** sslmode=prefer met a server without TLS: connections go on in plaintext, as libpq's would. */
  #plaintext = false;
  /** A pooled connection was made: under `prefer`, whether TLS is on is settled. */
  #settled = false;
  #pool: Pool | undefined;
  #closed = false;
  /** The first connection under `prefer`, while it settles TLS (see #connect). */
  #settling: Promise<PoolClient> | undefined;
  /** The settling connection whose client a caller took (the others ask the pool for their own). */
  #firstTaken: Promise<PoolClient> | undefined;

  constructor(url: string, options: PostgresOptions = {}) {
    this.#url = url;
    this.location = redactedLocation(url);
    this.#secrets = secretsOf(url);
    this.#options = options;
    this.#tls = tlsChoice(url);
  }

  /** What a driver error becomes: STORE_UNAVAILABLE when the database is away, else INTERNAL; the password scrubbed either way. */
  translate(err: unknown, doing: string): Error {
    if (err instanceof BlindfoldError) return err;
    const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'unknown';
    if (code === '55P03') {
      return new BlindfoldError('VAULT_LOCKED', `the vault in ${this.location} stayed locked by another writer while ${doing}; nothing was changed; try again`);
    }
    let message = err instanceof Error ? err.message : String(err);
    for (const secret of this.#secrets) message = message.split(secret).join('***');
    // Unavailable too (a team server keeps serving once the certificate or pg_hba.conf is fixed), but
    // said plainly: the driver's words name what TLS or the server's pg_hba.conf refused.
    if (isTlsFailure(err)) {
      return new BlindfoldError(
        'STORE_UNAVAILABLE',
        `the store ${this.location} refused the TLS connection (sslmode=${this.#tls.mode}) while ${doing}: ${message} (${code}); nothing was changed by this call`,
        { code },
      );
    }
    if (isUnavailable(err)) {
      const why = code.startsWith('28') ? `: ${message}` : '';
      return new BlindfoldError('STORE_UNAVAILABLE', `the store ${this.location} is unavailable while ${doing} (${code})${why}; nothing was changed by this call; it is tried again on the next one`, { code });
    }
    return new BlindfoldError('INTERNAL', `the store ${this.location} failed while ${doing}: ${message} (${code})`);
  }

  async #getPool(): Promise<Pool> {
    if (this.#closed) throw new BlindfoldError('INTERNAL', `the store ${this.location} is closed`);
    if (this.#pool) return this.#pool;
    const pg = await pgDriver();
    // allowExitOnIdle: a one-shot command ends when its work is done; a server is kept alive by its own listeners.
    const pool = new pg.Pool({ ...this.config(), max: this.#options.poolSize ?? 10, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
    // An idle connection the server dropped: the pool discards it and connects anew on demand; without
    // this handler the event would end the process.
    pool.on('error', (err) => logger().warn({ code: (err as { code?: string }).code }, 'a pooled PostgreSQL connection failed; it is replaced on demand'));
    this.#pool ??= pool;
    if (this.#pool !== pool) await pool.end();
    return this.#pool;
  }

  /** The driver's settings: never the URL itself in anything but the driver. */
  config(): ClientConfig {
    return {
      connectionString: this.#tls.url,
      ssl: this.#plaintext ? false : this.#tls.ssl,
      connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 5_000,
      keepAlive: true,
      lock_timeout: this.#options.lockTimeoutMs ?? 30_000,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    };
  }

  /**
   * Runs `work` on a pooled client. While it is out of the pool, an error the socket raises between
   * queries is caught (the pool's own handler only covers idle clients); a client that saw an error
   * is destroyed, not handed back.
   */
  async withClient<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#connect();
    } catch (err) {
      throw this.translate(err, doing);
    }
    let broken: Error | undefined;
    const onError = (err: Error) => (broken = err);
    client.on('error', onError);
    try {
      return await work(client);
    } catch (err) {
      broken ??= err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.off('error', onError);
      // Any failure may have left a transaction open or the socket dead: never reuse that client.
      client.release(broken ? true : undefined);
    }
  }

  /**
   * A pooled client. Under `prefer`, the first connection settles TLS alone: callers that queued on
   * a pool the plaintext fallback then ended would wait out the connect timeout (a burst at start
   * got 503s). The settling connection goes to one caller; the others ask the settled pool.
   */
  async #connect(): Promise<PoolClient> {
    if (this.#tls.mode === 'prefer' && !this.#settled) {
      const first = (this.#settling ??= this.#connectWithFallback().finally(() => (this.#settling = undefined)));
      const client = await first.catch(() => undefined);
      if (client && this.#firstTaken !== first) {
        this.#firstTaken = first;
        return client;
      }
    }
    return this.#connectWithFallback();
  }

  /**
   * A client of the pool. Under sslmode=prefer a server without TLS answers "no" (pg gives up where
   * libpq would go on in plaintext): the pool is then rebuilt without TLS and asked once more.
   */
  async #connectWithFallback(): Promise<PoolClient> {
    try {
      const client = await (await this.#getPool()).connect();
      this.#settled = true;
      return client;
    } catch (err) {
      if (this.#tls.mode !== 'prefer' || !isTlsRefusedByServer(err)) throw err;
      if (!this.#plaintext) {
        // (A concurrent caller that met the same refusal finds this done and simply asks again.)
        logger().debug({ location: this.location }, 'the PostgreSQL server offers no TLS: sslmode=prefer goes on unencrypted');
        this.#plaintext = true;
        const old = this.#pool;
        this.#pool = undefined;
        await old?.end().catch(() => {});
      }
      const client = await (await this.#getPool()).connect();
      this.#settled = true;
      return client;
    }
  }

  /** One query on any pooled client, errors translated. */
  async query<R extends Record<string, unknown>>(doing: string, text: string, values: unknown[] = []): Promise<R[]> {
    return this.withClient(doing, async (client) => {
      try {
        return (await client.query<R>(text, values)).rows;
      } catch (err) {
        throw this.translate(err, doing);
      }
    });
  }

  /** A client of its own, outside the pool (LISTEN holds its connection). */
  async dedicatedClient(): Promise<Client> {
    // Under `prefer`, a pooled connection settles whether the server offers TLS first.
    if (this.#tls.mode === 'prefer' && !this.#settled) await this.withClient('connecting', async () => {});
    const pg = await pgDriver();
    return new pg.Client(this.config());
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end().catch(() => {});
  }
}
