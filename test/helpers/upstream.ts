// A careless upstream of a test's own on 127.0.0.1, and the homes and stdio servers a test file
// starts against it: closed at the end, each server's stderr checked to hold no window of a value.
import type { Server } from 'node:http';
import { expect } from 'vitest';
import { setSecret } from './adversarial.js';
import { tempHome, type TempHome } from './cli.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectStdio, type StdioSession } from './mcp.js';
import { survivingWindow } from './windows.js';

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts `server` on a free loopback port. */
export async function listenOn(server: Server): Promise<Listening> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Closes every server, checks its stderr for the values, and removes its home. */
export async function closeHomes(homes: ReadonlyArray<{ t: TempHome; s: StdioSession }>, values: readonly string[]): Promise<void> {
  for (const { t, s } of homes) {
    await s.close();
    for (const v of values) expect(survivingWindow(s.stderr(), v)).toBeNull();
    t.cleanup();
  }
}

/**
 * A fresh home holding `secrets` (each `[name, value, ...set flags]`, e.g. `--host URL`) and a stdio
 * server on it, recorded in `homes` for closeHomes.
 */
export async function servedHome(homes: Array<{ t: TempHome; s: StdioSession }>, secrets: ReadonlyArray<readonly [string, string, ...string[]]>): Promise<StdioSession> {
  const t = tempHome();
  for (const [name, value, ...flags] of secrets) await setSecret(t, name, value, ...flags);
  const s = await connectStdio(t.env);
  homes.push({ t, s });
  return s;
}

/**
 * A home holding `secrets` and a stdio server on it, reused from call to call while its answers are
 * shown: an answer withheld or refused (it may have spent the principal's partial-hit allowance)
 * retires both, so the next call starts on a fresh home whose principal owes nothing. Spawning a
 * server per case cost a test file a minute. For cases run one at a time. `values` are checked
 * absent from each retired server's stderr.
 */
export function servedUntilWithheld(secrets: ReadonlyArray<readonly [string, string, ...string[]]>, values: readonly string[]) {
  let current: Array<{ t: TempHome; s: StdioSession }> = [];
  return {
    async call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
      if (!current.length) await servedHome(current, secrets);
      const r = await current[0]!.s.call(name, args);
      if (r.isError || (r.structuredContent as { withheld?: unknown } | undefined)?.withheld === true) await this.close();
      return r;
    },
    async close(): Promise<void> {
      const retired = current;
      current = [];
      await closeHomes(retired, values);
    },
  };
}
