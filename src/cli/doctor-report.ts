/**
 * What `blindfold doctor` found, one line per check, and how it is shown. Every message is built
 * from names, paths (through repeatablePath), counts and error messages that never hold a value.
 */
import type { SettingSource } from '../config.js';
import { escapeControls, printJson, printLine } from './io.js';

export type DoctorStatus = 'ok' | 'warn' | 'fail';

export interface DoctorLine {
  /** Which check: config, home, environment, principal, key, vault, audit, tasks, suspensions, clients, node. */
  check: string;
  status: DoctorStatus;
  message: string;
  /** What to do about a warn or fail (a command, or the README section that explains it). */
  fix?: string;
  /** For settings: which place won (flag > environment variable > config file > default). */
  source?: SettingSource;
}

export function line(check: string, status: DoctorStatus, message: string, fix?: string): DoctorLine {
  return { check, status, message, ...(fix !== undefined && status !== 'ok' ? { fix } : {}) };
}

export function printReport(lines: DoctorLine[], json: boolean): void {
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const l of lines) counts[l.status] += 1;
  if (json) return printJson({ ok: counts.fail === 0, counts, checks: lines });
  const width = Math.max(...lines.map((l) => l.check.length));
  for (const l of lines) {
    printLine(escapeControls(`${l.status.padEnd(5)} ${l.check.padEnd(width)}  ${l.message}`));
    if (l.fix) printLine(escapeControls(`${' '.repeat(6 + width)}  fix: ${l.fix}`));
  }
  printLine(`${counts.ok} ok, ${counts.warn} warn, ${counts.fail} fail`);
}
