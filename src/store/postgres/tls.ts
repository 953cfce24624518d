/**
 * TLS to PostgreSQL, chosen by the connection URL's `sslmode` with libpq's meanings (what a
 * PostgreSQL user expects from psql), decided here rather than by the driver: `pg` 8 reads
 * `require` and `verify-ca` as `verify-full` (with a deprecation warning that they will change in
 * pg 9), and would silently take a mode it does not know. So the TLS parameters are taken out of the
 * URL before `pg` sees it and turned into Node's TLS options here; a value we do not know is refused.
 *
 *   disable      plaintext
 *   prefer       TLS when the server offers it (certificate not checked), else plaintext (libpq's default)
 *   require      TLS, certificate not checked; with `sslrootcert`, as `verify-ca` (as libpq does)
 *   verify-ca    TLS, the chain checked against `sslrootcert` (required: a public CA would accept
 *                anyone's certificate from it), the host name not
 *   verify-full  TLS, chain and host name checked; against `sslrootcert`, else the CAs Node trusts
 *                (`sslrootcert=system` says so explicitly, as in libpq 16)
 *
 * `sslcert` and `sslkey` (both or neither) give a client certificate, `sslpassword` its key's
 * passphrase. The key's content is held non-enumerable, as `pg` holds it, so no log line shows it.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { BlindfoldError } from '../../errors.js';

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** The URL's parameters this module reads; any other `ssl…` parameter is refused, never ignored. */
const TLS_PARAMETERS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslpassword']);

export interface TlsChoice {
  mode: SslMode;
  /** What `pg` gets as `ssl`: false for plaintext (under `prefer`, what the fallback uses). */
  ssl: false | ConnectionOptions;
  /** The URL without its TLS parameters: what `pg` gets as `connectionString`. */
  url: string;
}

function refuse(message: string): never {
  throw new BlindfoldError('BAD_INPUT', `the store URL's ${message} (nothing was done)`);
}

function readPem(parameter: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    // The path is the user's own setting, not a secret; the content is never quoted.
    refuse(`${parameter}: cannot read the file ${JSON.stringify(path)} (${(err as { code?: string }).code ?? 'unreadable'})`);
  }
}

/** The TLS settings a PostgreSQL URL asks for; BAD_INPUT when they are unknown or inconsistent. */
export function tlsChoice(url: string): TlsChoice {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echoed: a URL that does not parse may still hold the password in a shape we do not know.
    refuse('text could not be parsed as a URL (not repeated here)');
  }
  const params = parsed.searchParams;
  for (const name of new Set(params.keys())) {
    if (name === 'ssl' || name === 'uselibpqcompat') {
      refuse(`parameter ${name} is pg's own and not taken: say sslmode=disable|prefer|require|verify-ca|verify-full`);
    }
    if (/^ssl/i.test(name) && !TLS_PARAMETERS.has(name)) refuse(`parameter ${name} is not supported (supported: ${[...TLS_PARAMETERS].join(', ')})`);
    if (TLS_PARAMETERS.has(name) && params.getAll(name).length > 1) refuse(`parameter ${name} is given more than once`);
  }
  const given = params.get('sslmode') ?? 'prefer';
  if (!(SSL_MODES as readonly string[]).includes(given)) {
    const hint = given === 'allow' ? ' (allow, plaintext first, is not supported: use prefer or disable)' : '';
    refuse(`sslmode must be one of ${SSL_MODES.join(', ')}; ${JSON.stringify(given.slice(0, 40))} is not${hint}`);
  }
  const mode = given as SslMode;
  const rootcert = params.get('sslrootcert') ?? undefined;
  const cert = params.get('sslcert') ?? undefined;
  const key = params.get('sslkey') ?? undefined;
  const passphrase = params.get('sslpassword') ?? undefined;
  const hadTls = [...TLS_PARAMETERS].some((name) => params.has(name));
  for (const name of TLS_PARAMETERS) params.delete(name);
  const rest = hadTls ? parsed.toString() : url;

  if (mode === 'disable') return { mode, ssl: false, url: rest };
  if ((cert === undefined) !== (key === undefined)) refuse('sslcert and sslkey go together: give both or neither');
  if (rootcert === 'system' && mode !== 'verify-full') refuse(`sslrootcert=system trusts every public CA, so it needs sslmode=verify-full (not ${mode})`);
  if (mode === 'verify-ca' && rootcert === undefined) {
    refuse('sslmode=verify-ca needs sslrootcert (the CA file): a public CA would accept any certificate it signed; use verify-full to trust the CAs Node knows');
  }

  const ssl: ConnectionOptions = {};
  if (rootcert !== undefined && rootcert !== 'system') ssl.ca = readPem('sslrootcert', rootcert);
  if (cert !== undefined && key !== undefined) {
    ssl.cert = readPem('sslcert', cert);
    // Non-enumerable (pg copies `key` by name): the passphrase travels inside it, with the key it opens.
    const pem = readPem('sslkey', key);
    Object.defineProperty(ssl, 'key', { value: passphrase === undefined ? pem : [{ pem, passphrase }], enumerable: false, writable: true, configurable: true });
  }
  const checksChain = mode === 'verify-ca' || mode === 'verify-full' || (mode === 'require' && ssl.ca !== undefined);
  if (!checksChain) ssl.rejectUnauthorized = false;
  // verify-ca (and require with a CA): the chain is checked, the name the certificate carries is not.
  else if (mode !== 'verify-full') ssl.checkServerIdentity = () => undefined;
  return { mode, ssl, url: rest };
}

/** The error `pg` raises when the server answers an SSLRequest with "no". */
export function isTlsRefusedByServer(err: unknown): boolean {
  return err instanceof Error && err.message === 'The server does not support SSL connections';
}

/** A TLS handshake or certificate failure (Node's codes): not transient, so said plainly. */
export function isTlsFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (isTlsRefusedByServer(err)) return true;
  return typeof code === 'string' && /^(ERR_TLS_|ERR_SSL_)|CERT|SIGNATURE|ISSUER|SELF_SIGNED/.test(code);
}
