import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BlindfoldError, describeError } from '../errors.js';

/** A refusal or failure as a tool result the model can act on: code + message, never a stack or a value. */
export function toolError(err: unknown): CallToolResult {
  const code = err instanceof BlindfoldError ? err.code : 'INTERNAL';
  return {
    isError: true,
    content: [{ type: 'text', text: `${code}: ${describeError(err)}` }],
  };
}
