/**
 * Whether the command `blindfold exec` was given exists, found as execvp(3) would find
 * it, before any value is opened for it (issue 20 item 3): a mistyped command costs no decryption.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Not found: a shell's exit codes, 127 when nothing by that name is there, 126 when it cannot be executed. */
export type Executable = { found: true; path: string } | { found: false; reason: 'command not found' | 'not executable'; exitCode: 127 | 126 };

function isExecutableFile(path: string): 'yes' | 'not executable' | 'absent' {
  try {
    if (!statSync(path).isFile()) return 'absent';
  } catch {
    return 'absent';
  }
  try {
    accessSync(path, constants.X_OK);
    return 'yes';
  } catch {
    return 'not executable';
  }
}

/**
 * Whether `file` would run, looked up as execvp does (a name with a `/` as a path, any other on
 * PATH, an empty PATH entry meaning the current folder): checked before the vault opens a value.
 */
export function findExecutable(file: string, path = process.env.PATH ?? ''): Executable {
  if (file === '') return { found: false, reason: 'command not found', exitCode: 127 };
  const candidates = file.includes('/') ? [file] : path.split(delimiter).map((dir) => join(dir || '.', file));
  let blocked = false;
  for (const candidate of candidates) {
    const state = isExecutableFile(candidate);
    if (state === 'yes') return { found: true, path: candidate };
    if (state === 'not executable') blocked = true;
  }
  return blocked ? { found: false, reason: 'not executable', exitCode: 126 } : { found: false, reason: 'command not found', exitCode: 127 };
}
