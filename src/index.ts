/**
 * Blindfold as a library: open the core (itself the handle of one principal; `as(...)` gives more,
 * `admin` the admin operations) and make calls with secrets it never sees, through the same broker, promises and audit trail as the MCP tools. Named exports only.
 * Importing this module starts nothing, opens nothing and prints nothing.
 */
export { openBlindfold, Blindfold, type HandleScope, type OpenBlindfoldOptions } from './open.js';
export type { Admin, RemoveOutcome } from './admin.js';
export { createServer, type CreateServerOptions } from './mcp/server.js';
export { toolDefinitions, taskToolDefinition, TOOL_GROUPS, type ToolDefinition, type ToolGroup } from './mcp/definitions.js';
export { BlindfoldError, ERROR_CODES, type ErrorCode } from './errors.js';
export type { LogSink } from './log.js';
export type { HttpResult, SecretListing } from './broker.js';
export type { Principal } from './policy/authorize.js';
export type { Placement } from './policy/placements.js';
export type { BinarySummary } from './redact/response.js';
export type { Task } from './tasks/loader.js';
export type { StepOutcome, TaskResult } from './tasks/runner.js';
export { HTTP_METHODS, REQUEST_LIMITS, type HttpMethod, type HttpRequestInput } from './template/request.js';
