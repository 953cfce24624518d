import type { Broker, Principal } from '../broker.js';

/** What every tool needs: the broker and who is calling. */
export interface ToolContext {
  broker: Broker;
  principal: Principal;
}
