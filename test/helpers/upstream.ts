// A careless upstream of a test's own on 127.0.0.1, and the homes and stdio servers a test file
// starts against it: closed at the end, each server's stderr checked to hold no window of a value.
import type { Server } from 'node:http';
import { expect } from 'vitest';
import { setSecret } from './adversarial.js';
import { tempHome, type TempHome } from './cli.js';
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
