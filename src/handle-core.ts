/**
 * What the CLI and the MCP door reach through a handle but the package does not export (src/index.ts):
 * each handle's core is kept off the handle, so nothing that holds a handle (an agent runtime's
 * code) can ask it for a value or run its own text through the index.
 */
import type { Broker, Principal } from './broker.js';

/** What of a core (src/open.ts BlindfoldCore) is reached here. */
interface Core {
  broker: Pick<Broker, 'indexed' | 'scrubShown'>;
  childValues(principal: Principal, names: readonly string[], reason: string): Promise<Map<string, string>>;
}
/** A handle (src/open.ts Blindfold): anything that acts for a principal. */
interface Blindfold {
  readonly principal: Principal;
}

const CORES = new WeakMap<Blindfold, Core>();

export function keepCore(handle: Blindfold, core: Core): void {
  CORES.set(handle, core);
}

/** The values `blindfold exec` gives its child, as the handle's principal: refused when suspended or out of scope, audited first. */
export function valuesForChildProcess(handle: Blindfold, names: readonly string[], reason: string): Promise<Map<string, string>> {
  return CORES.get(handle)!.childValues(handle.principal, names, reason);
}

/** Admin-written text about to be shown to the handle's agent (a tools/list), every stored value taken out, once every value is indexed. */
export async function shownToAgent<T>(handle: Blindfold, value: T): Promise<T> {
  await whenIndexed(handle);
  return shownToAgentNow(handle, value);
}

/** Resolves once every value the handle's vault holds is indexed. */
export function whenIndexed(handle: Blindfold): Promise<void> {
  return CORES.get(handle)!.broker.indexed();
}

/** The same, through the index as it is now: for a caller that cannot wait (a runtime's tool list), after openBlindfold indexed every value. */
export function shownToAgentNow<T>(handle: Blindfold, value: T): T {
  return CORES.get(handle)!.broker.scrubShown(value);
}
