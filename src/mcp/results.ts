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

/** How much of a body the text summary of a tool result quotes; the whole of it is in structuredContent. */
export const PREVIEW_CHARS = 1000;

/**
 * The start of a body for a result's short text summary (compact, never pretty-printed): clients
 * that read only `content` still see what came back, without a second copy of a large body.
 */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  } catch {
    text = '[not serialisable]';
  }
  if (text.length <= PREVIEW_CHARS) return text;
  // Never end between the halves of a surrogate pair.
  let end = PREVIEW_CHARS;
  if ((text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
  return `${text.slice(0, end)}… (first ${end} of ${text.length} characters; the whole is in structuredContent)`;
}
