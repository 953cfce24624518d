/**
 * Typed errors with stable codes. Every message here may reach an agent, a log line or a terminal,
 * so a message must never contain a secret value: callers pass names, never plaintext.
 */
/** Every code a BlindfoldError can carry; callers branch on these, so they never change meaning. */
export const ERROR_CODES = [
  'BAD_INPUT',
  'BAD_NAME',
  'BAD_ENVIRONMENT',
  'BAD_HOST',
  'BAD_PLACEMENT',
  'BAD_INJECT',
  'UNKNOWN_PRESET',
  'VALUE_TOO_SHORT',
  'VALUE_IN_ARGV',
  'SECRET_NOT_FOUND',
  'SECRET_IN_USE',
  'NO_VALUE_FOR_ENVIRONMENT',
  'VERSION_NOT_FOUND',
  'VERSION_CONFLICT',
  'VAULT_SEALED',
  'VAULT_CORRUPT',
  'VAULT_LOCKED',
  'VAULT_NOT_FOUND',
  'KEY_ROTATION_IN_PROGRESS',
  'VAULT_KEY_ROTATED',
  'DECRYPT_FAILED',
  'TEMPLATE_SYNTAX',
  'HOST_NOT_ALLOWED',
  'PLACEMENT_NOT_ALLOWED',
  'ADDRESS_NOT_ALLOWED',
  'SCHEME_NOT_ALLOWED',
  'HEADER_NOT_ALLOWED',
  'REDIRECT_LIMIT',
  'UPSTREAM_ERROR',
  'TIMEOUT',
  'AUDIT_UNAVAILABLE',
  // A shared store (PostgreSQL) that does not answer; calls that need it fail until it is back.
  'STORE_UNAVAILABLE',
  // A shared store's schema this release cannot serve: not created yet, or newer than it knows.
  'STORE_SCHEMA_MISMATCH',
  'TASK_NOT_FOUND',
  'REQUEST_REFUSED',
  'PRINCIPAL_SUSPENDED',
  'RATE_LIMITED',
  'TOKEN_NOT_FOUND',
  'REQUEST_NOT_FOUND',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class BlindfoldError extends Error {
  readonly code: ErrorCode;
  /** Extra, value-free facts for structured output (`--json`, MCP structuredContent). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'BlindfoldError';
    this.code = code;
    this.details = details;
  }
}

/** One line for a terminal or a tool result; never a stack trace. */
export function describeError(err: unknown): string {
  if (err instanceof BlindfoldError) return err.message;
  if (err instanceof Error) return err.message.split('\n')[0] ?? 'unexpected error';
  return 'unexpected error';
}
