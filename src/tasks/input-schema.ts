/**
 * A task's `inputs` (the JSON Schema subset `inputSchemaSchema` admits) turned into zod by zod's own
 * `z.fromJSONSchema`, so one definition validates `blindfold run --input`, MCP tool calls and
 * produces the tool's `inputSchema`. Three house rules differ from plain JSON Schema and are written
 * into the schema before conversion rather than patched on after.
 */
import { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import type { InputSchema } from './schema.js';

type JsonSchema = Parameters<typeof z.fromJSONSchema>[0];

/**
 * A property without `type` or `enum` is a string (JSON Schema would accept anything), and an
 * object accepts only the properties it declares (JSON Schema would let others through, and the
 * agent could smuggle fields the task never checked). A property with a default is listed as
 * required: its zod default already lets callers leave it out, and this way the parsed inputs
 * always hold it instead of being typed as possibly missing.
 */
function withHouseRules(schema: InputSchema): Record<string, unknown> {
  const out: Record<string, unknown> = { ...schema };
  if (schema.type === undefined && schema.enum === undefined) out.type = 'string';
  if (schema.items) out.items = withHouseRules(schema.items);
  if (out.type === 'object' && schema.enum === undefined) {
    const properties = Object.entries(schema.properties ?? {});
    out.properties = Object.fromEntries(properties.map(([name, prop]) => [name, withHouseRules(prop)]));
    const defaulted = properties.filter(([, prop]) => prop.default !== undefined).map(([name]) => name);
    out.required = [...new Set([...(schema.required ?? []), ...defaulted])];
    out.additionalProperties = false;
  }
  return out;
}

/** One property's schema as zod, with its description and default carried over. */
export function zodFor(schema: InputSchema): z.ZodType {
  return z.fromJSONSchema(withHouseRules(schema) as JsonSchema);
}

/** The properties of an object schema as a zod shape (what McpServer.registerTool takes). */
export function shapeFor(schema: InputSchema | undefined): Record<string, z.ZodType> {
  // Only the properties and which are required: a description or default on `inputs` itself has no zod form in a shape.
  const object = zodFor({ type: 'object', properties: schema?.properties ?? {}, required: schema?.required ?? [] });
  if (!(object instanceof z.ZodObject)) throw new BlindfoldError('INTERNAL', 'inputs did not convert to an object schema');
  return { ...object.shape };
}
