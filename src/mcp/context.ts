import type { Blindfold } from '../open.js';

/** What every tool needs: the handle of the principal on the other end of this connection. */
export interface ToolContext {
  blindfold: Blindfold;
}
