import type { Blindfold } from '../open.js';

/** What every tool needs: the handle of the principal on the other end of this connection. */
export interface ToolContext {
  blindfold: Blindfold;
  /** The origin (and path) of this door's own admin page, e.g. the team server's `/ui`; else a running `blindfold ui` is looked up. */
  page?: (() => string | undefined) | undefined;
}
