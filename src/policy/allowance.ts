/**
 * The partial-hit allowance (issue 18, item 2). A response that shows a piece of a value the call
 * placed is withheld whole; an honest upstream that prints the first characters of the token it got
 * costs an agent one body, a guesser a few bits. Each such withholding spends one unit of the
 * principal's allowance (default 3); the spend past it is `exhausted`, and the broker then
 * suspends the principal. Only a human gives it back (`blindfold clear PRINCIPAL`), never time: a
 * guesser that waits learns nothing more.
 *
 * The count is shared by every process of the principal (a state cell in the home), and a spend is
 * one locked read→modify→write, so two servers of one principal cannot both spend the last unit.
 */
import { z } from 'zod';
import type { StateCell } from '../store/cells.js';
import { memoryHomeState, type HomeState } from '../store/home-state.js';

export const DEFAULT_PARTIAL_HIT_ALLOWANCE = 3;

export interface AllowanceSpend {
  /** Partial hits of this principal so far, this one included. */
  used: number;
  /** More than the allowance: the broker suspends the principal. */
  exhausted: boolean;
}

export interface PartialHitAllowance {
  /** Partial hits a principal may have before the next one suspends it. */
  readonly allowance: number;
  spend(principal: string): Promise<AllowanceSpend>;
  /** What the principal has used (0 when nothing); cheap, for display. */
  used(principal: string): number;
  /** A human's reset: returns whether the principal had spent any. */
  reset(principal: string): Promise<boolean>;
  resetAll(): Promise<number>;
}

const stateSchema = z.record(z.string(), z.object({ used: z.number().int().nonnegative(), last: z.string() }));
type AllowanceState = z.infer<typeof stateSchema>;

export class CountedAllowance implements PartialHitAllowance {
  readonly allowance: number;
  readonly #cell: StateCell<AllowanceState>;

  constructor(cell: StateCell<AllowanceState>, allowance = DEFAULT_PARTIAL_HIT_ALLOWANCE) {
    this.#cell = cell;
    this.allowance = allowance;
  }

  /** The allowance as the home's state keeps it (the store seam: a file of the home, memory in tests). */
  static in(state: HomeState, allowance?: number): CountedAllowance {
    return new CountedAllowance(state.cell('allowance', stateSchema, () => ({}), 'the partial-hit allowance file'), allowance);
  }

  static inMemory(allowance?: number): CountedAllowance {
    return CountedAllowance.in(memoryHomeState(), allowance);
  }

  spend(principal: string): Promise<AllowanceSpend> {
    return this.#cell.update((state) => {
      const used = (state[principal]?.used ?? 0) + 1;
      state[principal] = { used, last: new Date().toISOString() };
      return { next: state, result: { used, exhausted: used > this.allowance } };
    });
  }

  used(principal: string): number {
    return this.#cell.read()[principal]?.used ?? 0;
  }

  reset(principal: string): Promise<boolean> {
    return this.#cell.update((state) => {
      if (!Object.hasOwn(state, principal)) return { result: false };
      delete state[principal];
      return { next: state, result: true };
    });
  }

  resetAll(): Promise<number> {
    return this.#cell.update((state) => {
      const count = Object.keys(state).length;
      return count ? { next: {}, result: count } : { result: 0 };
    });
  }
}
