// One stdio server over a temp home, with the loopback stub its secrets are bound to, for a whole
// test file: started before its tests and, on the way out, checked to have printed none of the
// secret values on stderr (nor, when asked, to have left one in a file of the home).
import { afterAll, beforeAll, expect } from 'vitest';
import { filesContaining, tempHome, type TempHome } from './cli.js';
import { connectStdio, type StdioSession } from './mcp.js';
import { startStub, type Stub } from './stub.js';
import { expectNoTrace } from './traces.js';

export interface Served {
  t: TempHome;
  stub: Stub;
  session: StdioSession;
}

export interface ServeOptions {
  /** Puts the secrets into the home (bound to the stub) before the server starts. */
  seed: (t: TempHome, stub: Stub) => Promise<void>;
  /** Plaintext values that must appear nowhere the checks look. */
  secrets: readonly string[];
  /** Also check that no file of the home holds a value. */
  atRest?: boolean;
}

/** Registers the file's beforeAll/afterAll; the returned object is filled in before the first test. */
export function serveWithStub(options: ServeOptions): Served {
  const served = {} as Served;
  beforeAll(async () => {
    served.stub = await startStub();
    served.t = tempHome();
    await options.seed(served.t, served.stub);
    served.session = await connectStdio(served.t.env);
  });
  afterAll(async () => {
    await served.session?.close();
    await served.stub?.close();
    if (served.session) expectNoTrace(served.session.stderr(), [...options.secrets], 'server stderr');
    if (options.atRest && served.t) expect(filesContaining(served.t.home, [...options.secrets])).toEqual([]);
    served.t?.cleanup();
  });
  return served;
}
