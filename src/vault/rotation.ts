/**
 * Master key rotation as data steps. A rotation is several committed writes so that a kill at any
 * point can be resumed: (1) record the new key's check, (2) re-wrap data keys in batches, (3) switch
 * the key check and re-wrap Blindfold's own internal keys (internal-keys.ts) in the same write.
 * The internal keys move last on purpose: until the switch, the vault still opens with the old key,
 * and with it the audit key that signs the rotation's own audit entries. The key file holding the
 * new key is managed around these steps by key-file-rotation.ts.
 */
import { BlindfoldError } from '../errors.js';
import { Kek, newArgon2Params } from './crypto.js';
import { masterKeyFor, type KeyMaterial } from './keyring.js';
import type { VaultKeys } from './keys.js';
import type { KdfParams, VaultFile } from './schema.js';
import type { VaultWrite } from './changes.js';
import { internalKeyBinding } from './internal-keys.js';
import { countValues, valuesOf } from './values.js';

export const REWRAP_BATCH = 200;

export interface RotationProgress {
  done: number;
  total: number;
}

/** What a rotation needs of the vault: its current file, its keys and its audited, locked write. */
export interface RotationSteps {
  file: () => VaultFile;
  keys: VaultKeys;
  write: VaultWrite;
}

export async function rotateMasterKey(
  steps: RotationSteps,
  newMaterial: KeyMaterial,
  onProgress?: (p: RotationProgress) => void,
): Promise<{ rewrapped: number; keyId: number }> {
  const pending = steps.file().rotation;
  const newKid = pending ? pending.keyCheck.kid : steps.keys.current.kid + 1;
  const newKdf: KdfParams = pending ? pending.kdf : newMaterial.raw ? { type: 'raw' } : newArgon2Params();
  const newKek = new Kek(masterKeyFor(newMaterial, newKdf), newKid);
  const from = (kid: number) => (kid === newKid ? newKek : steps.keys.forKid(kid));

  if (pending) {
    if (!newKek.verifyKeyCheck(steps.file().vaultId, pending.keyCheck)) {
      throw new BlindfoldError(
        'VAULT_SEALED',
        `an interrupted rotation is waiting for a different new key than the one from ${newMaterial.origin}; supply the same new key to finish it`,
      );
    }
  } else {
    await steps.write((file, record) => {
      file.rotation = { keyCheck: newKek.createKeyCheck(file.vaultId), kdf: newKdf, startedAt: new Date().toISOString() };
      record({ action: 'key.rotate', names: [], reason: `started: key id ${newKid}` });
    });
  }

  const total = countValues(steps.file());
  let rewrapped = 0;
  for (;;) {
    const batch = await steps.write((file) => rewrapBatch(file, newKek, from));
    if (batch === 0) break;
    rewrapped += batch;
    onProgress?.({ done: Math.min(rewrapped, total), total });
  }
  await steps.write(
    (file, record) => {
      finishRotation(file, newKek, from);
      record({ action: 'key.rotate', names: [], reason: `completed: key id ${newKid}` });
    },
    { skipKeyCheck: true },
  );
  steps.keys.adopt(newKek);
  onProgress?.({ done: total, total });
  return { rewrapped, keyId: newKid };
}

/** Re-wraps up to REWRAP_BATCH secret values not yet under `to` (whole records at a time); returns how many it moved. */
function rewrapBatch(file: VaultFile, to: Kek, from: (kid: number) => Kek): number {
  let changed = 0;
  for (const record of Object.values(file.secrets)) {
    if (changed >= REWRAP_BATCH) break;
    for (const { env, value, holder } of valuesOf(record)) {
      if (value.kid === to.kid) continue;
      holder[env] = to.rewrap({ vaultId: file.vaultId, name: record.name, env }, value, from(value.kid));
      changed++;
    }
  }
  return changed;
}

/** The last step: internal keys follow, and the vault's key check becomes the new key's. */
function finishRotation(file: VaultFile, to: Kek, from: (kid: number) => Kek): void {
  if (!file.rotation) return;
  const internal = file.internal ?? {};
  for (const [purpose, value] of Object.entries(internal)) {
    if (value.kid !== to.kid) internal[purpose] = to.rewrap(internalKeyBinding(file.vaultId, purpose), value, from(value.kid));
  }
  file.keyCheck = file.rotation.keyCheck;
  file.kdf = file.rotation.kdf;
  file.rotation = null;
}
