import type { Principal } from './policy/authorize.js';

/**
 * Who is on the other end of a connection whose principal is learnt from the connection itself
 * (a stdio client names itself at MCP initialize). Fixed once — at the first initialize, or at the
 * first use if a call comes first — and never changed after: a client that initializes again
 * cannot rename itself out of a suspension or a spent allowance.
 */
export class PrincipalSlot {
  #fixed: Principal | undefined;
  readonly #make: (clientName: string | undefined) => Principal;

  constructor(make: (clientName: string | undefined) => Principal) {
    this.#make = make;
  }

  /** The client's own name for itself; ignored once the principal is fixed. */
  learn(clientName: string | undefined): Principal {
    return (this.#fixed ??= this.#make(clientName));
  }

  get current(): Principal {
    return this.learn(undefined);
  }
}
