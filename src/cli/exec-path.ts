/**
 * Whether the command `blindfold exec` was given exists, found as execvp(3) would find
 * it, before any value is opened for it (issue 20 item 3): a mistyped command costs no decryption.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Executable = { found: true; path: string } | { found: false; reason: 'command not found' | 'not executable' };

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
  if (file === '') return { found: false, reason: 'command not found' };
  const candidates = file.includes('/') ? [file] : path.split(delimiter).map((dir) => join(dir || '.', file));
  let blocked = false;
  for (const candidate of candidates) {
    const state = isExecutableFile(candidate);
    if (state === 'yes') return { found: true, path: candidate };
    if (state === 'not executable') blocked = true;
  }
  return { found: false, reason: blocked ? 'not executable' : 'command not found' };
}
