/**
 * Principals suspended by the tripwire (promise 4a). Secret material in what an agent sends can
 * only be there by guessing, so the first hit suspends that principal until a human clears it
 * with `blindfold clear PRINCIPAL`: one wrong guess costs the agent its access, which turns a
 * guessing game into a single attempt.
 *
 * The list is a small JSON file in the home folder, shared by every process on the machine: the
 * server checks it on each request with one stat (re-read only when it changed) and the CLI edits
 * it. Writes go to a unique temp file renamed into place, so a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { BlindfoldError } from '../errors.js';

const entrySchema = z.object({ since: z.string(), reason: z.string() });
const fileSchema = z.record(z.string(), entrySchema);
export type Suspension = z.infer<typeof entrySchema> & { principal: string };

export class SuspensionList {
  readonly path: string;
  #entries: Record<string, z.infer<typeof entrySchema>> = {};
  #stamp = '';

  constructor(path: string) {
    this.path = path;
  }

  isSuspended(principal: string): boolean {
    this.#refresh();
    return Object.hasOwn(this.#entries, principal);
  }

  list(): Suspension[] {
    this.#refresh();
    return Object.entries(this.#entries).map(([principal, e]) => ({ principal, ...e }));
  }

  suspend(principal: string, reason: string): void {
    this.#refresh();
    if (Object.hasOwn(this.#entries, principal)) return;
    this.#write({ ...this.#entries, [principal]: { since: new Date().toISOString(), reason } });
  }

  /** Returns whether the principal was suspended. */
  clear(principal: string): boolean {
    this.#refresh();
    if (!Object.hasOwn(this.#entries, principal)) return false;
    const { [principal]: _cleared, ...rest } = this.#entries;
    this.#write(rest);
    return true;
  }

  #refresh(): void {
    // No list is the usual case: asked not to throw, stat skips building an error per request.
    let st;
    try {
      st = statSync(this.path, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (!st) {
      this.#entries = {};
      this.#stamp = '';
      return;
    }
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (stamp === this.#stamp) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      // Fail closed: a damaged list must not silently lift suspensions.
      throw new BlindfoldError('INTERNAL', `the suspension list ${this.path} is damaged; fix or remove it (\`blindfold clear --all\` rewrites it)`);
    }
    const result = fileSchema.safeParse(parsed);
    if (!result.success) throw new BlindfoldError('INTERNAL', `the suspension list ${this.path} is not valid; fix or remove it`);
    this.#entries = result.data;
    this.#stamp = stamp;
  }

  #write(entries: Record<string, z.infer<typeof entrySchema>>): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(tmp, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.#stamp = '';
    this.#refresh();
  }

  /** Empties the list, also when it is damaged. */
  clearAll(): number {
    let count = 0;
    try {
      count = this.list().length;
    } catch {
      // damaged: rewritten below
    }
    this.#write({});
    return count;
  }
}

/** Every call of a suspended principal is refused until a human clears it. */
export function suspendedRefusal(principal: string): BlindfoldError {
  return new BlindfoldError('PRINCIPAL_SUSPENDED', `${principal} is suspended after a tripwire hit; nothing is sent until an admin runs \`blindfold clear ${principal}\``);
}

/** The tripwire's answer names no input: it must not confirm which guess matched. */
export function tripwireRefusal(principal: string): BlindfoldError {
  return new BlindfoldError(
    'REQUEST_REFUSED',
    `the request was refused and ${principal} is suspended: its input held secret material, which an agent can only have by guessing. ` +
      `An admin can review it with \`blindfold audit --action request.attack\` and lift the suspension with \`blindfold clear ${principal}\``,
  );
}
