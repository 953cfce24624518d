/**
 * What the page works on, handed to it by the door that serves it (`blindfold ui`, later the team
 * server's `/ui`): the admin operations of the one core (src/admin.ts) under a principal, its
 * audit trail, and its tasks. The page never holds the vault: nothing here returns a value.
 */
import type { Admin } from '../admin.js';
import type { AuditTrail } from '../audit/trail.js';
import type { SecretRequests } from '../requests.js';
import type { Task } from '../tasks/loader.js';

export interface UiBackend {
  /** The admin operations, recorded on the trail as `principal` (`ui:<login id>`). */
  admin(principal: string): Admin;
  trail: AuditTrail;
  /** The tasks loaded now. */
  tasks(): readonly Task[];
  /** The environment the server was started with (the default of forms and filters). */
  env: string;
  /** Pending `request_secret` requests of the home (shared with the MCP servers through the vault's state). */
  requests: SecretRequests;
}

/** The tasks whose steps use a secret. */
export function tasksUsing(backend: UiBackend, name: string): Array<{ name: string; file: string }> {
  return backend.tasks().filter((t) => t.secrets.includes(name)).map((t) => ({ name: t.name, file: t.file }));
}
