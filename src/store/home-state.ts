/**
 * The home's small shared state — suspensions, the partial-hit allowance, the origin quarantine —
 * reached through one object, each piece by name as a cell (cells.ts), so that the policy code
 * never names a file and a backend can keep them elsewhere (issue 19 item 2): the file backend
 * keeps each in its own file of the home, the memory backend in this process, and PostgreSQL will
 * keep them as rows.
 */
import type { z } from 'zod';
import { FileCell, MemoryCell, type StateCell } from './cells.js';

export type StateName = 'suspensions' | 'allowance' | 'quarantine';

export interface HomeState {
  /** The cell holding `name`; `empty` is its value before anything was written, `what` names it in errors. */
  cell<T>(name: StateName, schema: z.ZodType<T>, empty: () => T, what: string): StateCell<T>;
}

/** Each piece in its own file (the paths of a home: BlindfoldPaths has them). */
export function fileHomeState(files: Record<StateName, string>): HomeState {
  return {
    cell: (name, schema, empty, what) => new FileCell(files[name], schema, empty, what),
  };
}

/** Each piece in this process; asking twice for a name gives the same cell. */
export function memoryHomeState(): HomeState {
  const cells = new Map<StateName, StateCell<unknown>>();
  return {
    cell<T>(name: StateName, _schema: z.ZodType<T>, empty: () => T): StateCell<T> {
      if (!cells.has(name)) cells.set(name, new MemoryCell<T>(empty()) as StateCell<unknown>);
      return cells.get(name) as StateCell<T>;
    },
  };
}
