/**
 * A vault file's secret records, each checked against the schema the first time anything reads it
 * rather than all at open. Checking 10,000 records took most of a cold start (B4) that needs none
 * of them to answer tools/list; the redaction index walks them all in slices right after.
 *
 * The guarantee is unchanged: no code can read a record that fails the schema. Every read (a
 * lookup, Object.values, JSON.stringify before a write) goes through `get`, which throws
 * VAULT_CORRUPT naming the record and the field rather than hand out a damaged record. (Property
 * descriptors are left alone: Object.keys and Object.hasOwn read them for every name, and nothing
 * in the vault reads a record through one.)
 */
import type { z } from 'zod';
import type { SecretRecord } from './schema.js';

export type RecordRefusal = (where: string) => Error;

export function lazilyCheckedRecords(
  raw: Record<string, unknown>,
  schema: z.ZodType<SecretRecord>,
  refuse: RecordRefusal,
): Record<string, SecretRecord> {
  const checked = new Set<string>();
  return new Proxy(raw, {
    get(target, key, receiver) {
      if (typeof key !== 'string' || checked.has(key) || !Object.hasOwn(target, key)) return Reflect.get(target, key, receiver);
      const result = schema.safeParse(target[key]);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw refuse(['secrets', key, ...(issue?.path ?? [])].join('.'));
      }
      target[key] = result.data;
      checked.add(key);
      return result.data;
    },
    // Records put here by this process are built by typed code, not read from the file.
    set(target, key, value) {
      if (typeof key === 'string') checked.add(key);
      return Reflect.set(target, key, value);
    },
    deleteProperty(target, key) {
      if (typeof key === 'string') checked.delete(key);
      return Reflect.deleteProperty(target, key);
    },
  }) as Record<string, SecretRecord>;
}
