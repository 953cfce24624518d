// Reading a test home's audit trail file directly (what the tripwire and the wall recorded).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The reasons of a principal's `request.attack` entries on the home's trail. */
export function attacksOn(home: string, principal: string): string[] {
  return readFileSync(join(home, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { action?: string; principal?: string; reason?: string })
    .filter((e) => e.action === 'request.attack' && e.principal === principal)
    .map((e) => e.reason ?? '');
}

/** Waits (at most 3 s) for `done`: bookkeeping is written after the reply. */
export async function settled(done: () => boolean): Promise<void> {
  for (let i = 0; i < 30 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
}
