/**
 * Origin quarantine (issue 18, item 2). A response-side trip (a piece of a value that was not
 * placed, in what an upstream answered) counts against the origin too: a hostile agent could plant
 * pieces where another agent will read them. An origin whose answers tripped the wire twice is
 * quarantined for every principal of the home until an admin has looked
 * (`blindfold clear --origin URL`); a quarantined origin's answers are not shown to anyone.
 *
 * Shared by every process of the home (a state cell), one locked read→modify→write per trip.
 */
import { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import type { StateCell } from '../store/cells.js';
import { memoryHomeState, type HomeState } from '../store/home-state.js';

/** Trips after which an origin is quarantined. */
export const QUARANTINE_TRIPS = 2;

export interface QuarantineEntry {
  origin: string;
  trips: number;
  firstTrip: string;
  /** Set once the origin reached QUARANTINE_TRIPS. */
  quarantinedSince?: string;
}

export interface OriginTrip {
  trips: number;
  quarantined: boolean;
}

export interface OriginQuarantine {
  recordTrip(origin: string): Promise<OriginTrip>;
  /** Cheap: checked on every call. */
  isQuarantined(origin: string): boolean;
  /** Every origin with a trip on record, quarantined or not yet. */
  list(): QuarantineEntry[];
  /** An admin's review: forgets the origin's trips; returns whether it had any. */
  clear(origin: string): Promise<boolean>;
}

const stateSchema = z.record(z.string(), z.object({ trips: z.number().int().positive(), firstTrip: z.string(), quarantinedSince: z.string().optional() }));
type QuarantineState = z.infer<typeof stateSchema>;

/**
 * `scheme://host[:port]` as URL spells it (lower case, default port dropped, no trailing dot: DNS
 * reads `planted.example.` as `planted.example`), from an origin or any URL.
 */
export function normalOrigin(originOrUrl: string): string {
  let url: URL;
  try {
    url = new URL(originOrUrl);
  } catch {
    throw new BlindfoldError('BAD_INPUT', 'an origin is a URL such as https://api.example.com or http://127.0.0.1:8080');
  }
  if (url.origin === 'null') throw new BlindfoldError('BAD_INPUT', 'an origin is an http(s) URL such as https://api.example.com');
  return url.hostname.endsWith('.') ? `${url.protocol}//${url.hostname.replace(/\.+$/, '')}${url.port ? `:${url.port}` : ''}` : url.origin;
}

export class TripQuarantine implements OriginQuarantine {
  readonly #cell: StateCell<QuarantineState>;

  constructor(cell: StateCell<QuarantineState>) {
    this.#cell = cell;
  }

  /** The quarantine as the home's state keeps it (the store seam: a file of the home, memory in tests). */
  static in(state: HomeState): TripQuarantine {
    return new TripQuarantine(state.cell('quarantine', stateSchema, () => ({}), 'the origin quarantine file'));
  }

  static inMemory(): TripQuarantine {
    return TripQuarantine.in(memoryHomeState());
  }

  recordTrip(origin: string): Promise<OriginTrip> {
    const key = normalOrigin(origin);
    return this.#cell.update((state) => {
      const now = new Date().toISOString();
      const before = state[key];
      const trips = (before?.trips ?? 0) + 1;
      const quarantinedSince = before?.quarantinedSince ?? (trips >= QUARANTINE_TRIPS ? now : undefined);
      state[key] = { trips, firstTrip: before?.firstTrip ?? now, ...(quarantinedSince ? { quarantinedSince } : {}) };
      return { next: state, result: { trips, quarantined: quarantinedSince !== undefined } };
    });
  }

  isQuarantined(origin: string): boolean {
    let key: string;
    try {
      key = normalOrigin(origin);
    } catch {
      return false;
    }
    return this.#cell.read()[key]?.quarantinedSince !== undefined;
  }

  list(): QuarantineEntry[] {
    return Object.entries(this.#cell.read()).map(([origin, e]) => ({ origin, ...e }));
  }

  clear(origin: string): Promise<boolean> {
    const key = normalOrigin(origin);
    return this.#cell.update((state) => {
      if (!Object.hasOwn(state, key)) return { result: false };
      delete state[key];
      return { next: state, result: true };
    });
  }
}
