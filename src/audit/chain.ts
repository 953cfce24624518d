/**
 * The audit hash chain: every entry carries `prev` (the previous entry's mac) and `mac` =
 * HMAC-SHA256(audit key, canonical JSON of the entry without `mac`). Editing, inserting, removing
 * or reordering entries breaks the chain; a MAC'd head record catches a cut tail.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

export const AUDIT_ACTIONS = [
  'secret.create',
  'secret.update',
  'secret.delete',
  'secret.forget',
  'secret.rollback',
  'secret.rename',
  'key.rotate',
  'secret.resolve',
  'request.denied',
  'request.sent',
  'task.run',
  'vault.sealed',
  'exec.run',
  'request.attack',
  'response.partial',
  'response.withheld',
  'principal.cleared',
  'audit.rotated',
  'audit.pruned',
  'audit.quota',
  'audit.gap',
  'store.abort',
  'token.create',
  'token.revoke',
  'auth.denied',
  'secret.requested',
  'secret.provided',
  'secret.declined',
  'secret.unanswered',
  'ui.login',
  'ui.logout',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What callers record. Never values, never query strings or bodies. */
export interface AuditFields {
  action: AuditAction;
  principal: string;
  secrets?: string[];
  env?: string;
  method?: string;
  origin?: string;
  path?: string;
  status?: number;
  outcome: 'ok' | 'denied' | 'error';
  reason?: string;
  durationMs?: number;
  task?: string;
  /** `audit.rotated`: the seqs of the file just rotated away (signed evidence of what moved). */
  firstSeq?: number;
  /** `audit.rotated`: the last seq moved; `audit.pruned`: every entry up to it was deleted (past retention). */
  lastSeq?: number;
  /** The broker marks an entry as an attack: it is always written on its own, never aggregated. */
  attack?: boolean;
  /** An aggregate of identical refusals: how many, first and last time (see aggregate.ts). */
  count?: number;
  firstAt?: string;
  lastAt?: string;
  /** `audit.pruned`: sha256 of the usage summary file carrying the deleted entries' usage figures. */
  usageSha256?: string;
  /** A vault change: the store revision it landed as; `store.abort`: the revision that never landed. */
  storeRevision?: number;
  /** `exec.run`: the command line, each argument that might be a value replaced (src/cli/exec-argv.ts). */
  argv?: string[];
  /** `exec.run`: the child's exit code (128 + signal number when killed, 127 when not found). */
  exitCode?: number;
}

/** Actions that are attack-class whatever the caller says: always kept, each on its own. */
export const ATTACK_ACTIONS: ReadonlySet<string> = new Set(['request.attack', 'response.partial', 'response.withheld']);

export function isAttack(fields: Pick<AuditFields, 'action' | 'attack'>): boolean {
  return fields.attack === true || ATTACK_ACTIONS.has(fields.action);
}

export interface AuditEntry extends AuditFields {
  time: string;
  seq: number;
  prev: string;
  mac: string;
}

/** Fields that are not part of the MAC: the mac itself and pino's level. */
const UNSIGNED = new Set(['mac', 'level']);

export function canonical(entry: Record<string, unknown>): string {
  const keys = Object.keys(entry)
    .filter((k) => !UNSIGNED.has(k) && entry[k] !== undefined)
    .sort();
  return JSON.stringify(keys.map((k) => [k, entry[k]]));
}

/** The audit key imported once, for a writer: an HMAC keyed by it is set up faster than by raw bytes. */
export function macKey(key: Uint8Array): KeyObject {
  return createSecretKey(key);
}

export function macOf(key: Uint8Array | KeyObject, entry: Record<string, unknown>): string {
  return createHmac('sha256', key).update(canonical(entry)).digest('base64url');
}

export function genesis(vaultId: string): string {
  return `genesis:${vaultId}`;
}
