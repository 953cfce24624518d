import { BlindfoldError } from '../errors.js';

export const PLACEMENTS = ['header', 'query', 'body', 'path'] as const;
export type Placement = (typeof PLACEMENTS)[number];
export const DEFAULT_PLACEMENTS: Placement[] = ['header'];

export function parsePlacements(input: readonly string[]): Placement[] {
  const seen = new Set<Placement>();
  if (!Array.isArray(input)) throw new BlindfoldError('BAD_PLACEMENT', `give a list of placements: ${PLACEMENTS.join(', ')}`);
  for (const raw of input) {
    const p = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (!(PLACEMENTS as readonly string[]).includes(p)) {
      // Quoted only while it is a plain word (a typo): anything else may be a value in the wrong place.
      const what = typeof raw === 'string' && /^[A-Za-z]{1,16}$/.test(raw) ? JSON.stringify(raw) : '(not repeated here)';
      throw new BlindfoldError('BAD_PLACEMENT', `unknown placement ${what}: use one or more of ${PLACEMENTS.join(', ')}`);
    }
    seen.add(p as Placement);
  }
  if (seen.size === 0) throw new BlindfoldError('BAD_PLACEMENT', `give at least one placement: ${PLACEMENTS.join(', ')}`);
  return PLACEMENTS.filter((p) => seen.has(p));
}
