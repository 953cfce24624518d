// Runs the CLI on a real pseudo-terminal (python3's pty module), so code paths that only a person
// at a terminal reaches — hidden prompts, raw mode, Ctrl-C — run as they would for them.
import { spawnSync } from 'node:child_process';
import { CLI } from './cli.js';

const DRIVER = `
import os, pty, sys, time, json, select
args, env, script = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execve(args[0], args, env)
out = b''
def read_until(needle, timeout):
    global out
    end = time.time() + timeout
    while needle.encode() not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
for wait_for, send in script:
    read_until(wait_for, 10)
    os.write(fd, send.encode())
while True:
    r, _, _ = select.select([fd], [], [], 10)
    if not r:
        break
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
sys.stdout.write(json.dumps({"code": code, "output": out.decode("utf-8", "replace")}))
`;

export interface TtyResult {
  code: number;
  /** stdout and stderr together, as the terminal showed them. */
  output: string;
}

/** `script`: pairs of [text to wait for on the screen, keys to type then]. */
export function runCliOnTty(args: string[], env: NodeJS.ProcessEnv, script: Array<[string, string]>): TtyResult {
  const r = spawnSync('python3', ['-c', DRIVER, JSON.stringify([[process.execPath, CLI, ...args], env, script])], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`pty driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as TtyResult;
}
