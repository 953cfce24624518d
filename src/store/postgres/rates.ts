/**
 * A token's rate (`token create --rate`, kept per minute) counted in the database, so it holds
 * across every instance on it (README, "Running several servers"): the same bucket as the one a
 * single process keeps (src/mcp/http-rate.ts), one row per principal, refilled continuously from
 * the database's clock (instances' clocks never disagree about it), taken from in one statement.
 */
import type { PostgresConnection } from './connection.js';

/** Refilled tokens of the row `r` at the database's time now, for a rate of $2 calls a minute. */
const REFILLED = 'LEAST($2::float8, r.tokens + EXTRACT(EPOCH FROM (clock_timestamp() - r.at))::float8 * $2::float8 / 60)';

/**
 * Takes `calls` from the principal's bucket: undefined when they fit, else the seconds to wait.
 * Throws STORE_UNAVAILABLE when the database cannot say (the caller refuses the call).
 */
export async function takeRate(connection: PostgresConnection, principal: string, perMinute: number, calls: number): Promise<number | undefined> {
  // A batch larger than the whole bucket never fits: it waits a full minute, then is still refused.
  if (calls > perMinute) return 60;
  const taken = await connection.query<{ tokens: number }>(
    'counting a token\'s rate',
    `INSERT INTO blindfold_rates AS r (principal, tokens, at) VALUES ($1, $2::float8 - $3::float8, clock_timestamp())
     ON CONFLICT (principal) DO UPDATE SET tokens = ${REFILLED} - $3::float8, at = clock_timestamp()
     WHERE ${REFILLED} >= $3::float8
     RETURNING tokens`,
    [principal, perMinute, calls],
  );
  if (taken.length > 0) return undefined;
  const [row] = await connection.query<{ tokens: number }>('counting a token\'s rate', `SELECT ${REFILLED} AS tokens FROM blindfold_rates r WHERE principal = $1`, [principal, perMinute]);
  const missing = calls - (row?.tokens ?? 0);
  return Math.max(1, Math.ceil((missing * 60) / perMinute));
}
