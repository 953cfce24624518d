/**
 * Master key rotation as data steps. A rotation is several committed writes so that a kill at any
 * point can be resumed: (1) record the new key's check, (2) re-wrap data keys in batches, (3) switch
 * the key check and re-wrap Blindfold's own internal keys (the audit MAC key) in the same write.
 * The internal keys move last on purpose: until the switch, the vault still opens with the old key,
 * and with it the audit key that signs the rotation's own audit entries.
 */
import type { Kek } from './crypto.js';
import type { VaultFile } from './schema.js';

export const REWRAP_BATCH = 200;

/** Re-wraps up to REWRAP_BATCH secret values not yet under `to`; returns how many it moved. */
export function rewrapBatch(file: VaultFile, to: Kek, from: (kid: number) => Kek): number {
  let changed = 0;
  for (const record of Object.values(file.secrets)) {
    if (changed >= REWRAP_BATCH) break;
    const bind = (env: string) => ({ vaultId: file.vaultId, name: record.name, env });
    for (const values of [record.values, ...record.history.map((h) => h.values)]) {
      for (const [env, value] of Object.entries(values)) {
        if (value.kid === to.kid) continue;
        values[env] = to.rewrap(bind(env), value, from(value.kid));
        changed++;
      }
    }
  }
  return changed;
}

/** The last step: internal keys follow, and the vault's key check becomes the new key's. */
export function finishRotation(file: VaultFile, to: Kek, from: (kid: number) => Kek): void {
  if (!file.rotation) return;
  for (const [key, value] of Object.entries(file.internal ?? {})) {
    if (value.kid !== to.kid && file.internal) {
      file.internal[key] = to.rewrap({ vaultId: file.vaultId, name: `__${key}__`, env: 'internal' }, value, from(value.kid));
    }
  }
  file.keyCheck = file.rotation.keyCheck;
  file.kdf = file.rotation.kdf;
  file.rotation = null;
}

export function countValues(file: VaultFile): number {
  let n = 0;
  for (const r of Object.values(file.secrets)) {
    n += Object.keys(r.values).length;
    for (const h of r.history) n += Object.keys(h.values).length;
  }
  return n;
}
