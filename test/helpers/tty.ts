// Runs a command on a real pseudo-terminal (python3's pty module; there is no node-pty here), so
// code paths only a person at a terminal reaches — hidden prompts, raw mode, Ctrl-C, colour —
// run as they would for them.
import { spawnSync } from 'node:child_process';
import { CLI } from './cli.js';

// Waits for each step's text on the screen, then types that step's keys; reads until the child
// exits (or 20 s pass) and reports its exit code, everything it showed and how many steps ran.
const DRIVER = `
import json, os, pty, select, sys, time
argv, env, steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execve(argv[0], argv, env)
out, done, deadline = b'', 0, time.time() + 20
while time.time() < deadline:
    while done < len(steps) and steps[done][0].encode() in out:
        os.write(fd, steps[done][1].encode())
        done += 1
    ready, _, _ = select.select([fd], [], [], 0.1)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'output': out.decode('utf8', 'replace'), 'stepsRun': done}))
`;

export interface TtyResult {
  code: number;
  /** stdout and stderr together, as the terminal showed them. */
  output: string;
  /** How many of the script's steps saw their text and typed their keys. */
  stepsRun: number;
}

/** `steps`: pairs of [text to wait for on the screen ('' = at once), keys to type then]. */
export function runOnTty(argv: string[], env: NodeJS.ProcessEnv, steps: Array<[string, string]> = []): TtyResult {
  const r = spawnSync('python3', ['-c', DRIVER, JSON.stringify([argv, env, steps])], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`pty driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TtyResult;
}

export function runCliOnTty(args: string[], env: NodeJS.ProcessEnv, steps: Array<[string, string]> = []): TtyResult {
  return runOnTty([process.execPath, CLI, ...args], env, steps);
}
