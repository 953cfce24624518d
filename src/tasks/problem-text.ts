/**
 * What a broken task file is told, without repeating the file's text (issue 20 item 1; SPEC §1.1).
 * A task file is where an admin pastes a header, and a mistake there often has a key in it: the
 * `yaml` library's messages carry a code frame of the offending line (and some quote a fragment of
 * it), and zod's name unknown keys. Messages here say the kind of problem and where it is; a
 * fragment of the file is repeated only when src/echo.ts says it may be.
 */
import type { YAMLError } from 'yaml';
import type { z } from 'zod';
import { mayRepeat, repeatable } from '../echo.js';

/** The yaml library's error codes, said in words (its own messages quote the line). */
const YAML_KINDS: Record<string, string> = {
  ALIAS_PROPS: 'an alias may not have a tag or anchor',
  BAD_ALIAS: 'an alias names no anchor defined before it',
  BAD_DIRECTIVE: 'unknown or malformed % directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation (an unclosed bracket or quote above can cause this)',
  BAD_PROP_ORDER: 'anchor and tag in the wrong order',
  BAD_SCALAR_START: 'a plain value may not start with this character (quote it)',
  BLOCK_AS_IMPLICIT_KEY: 'a nested mapping on one line (a value holding ": " needs quotes)',
  BLOCK_IN_FLOW: 'a block collection inside [ ] or { }',
  DUPLICATE_KEY: 'a key appears twice in the same mapping',
  KEY_OVER_1024_CHARS: 'a key longer than 1024 characters',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines (a value holding ": " needs quotes)',
  MULTIPLE_ANCHORS: 'several anchors on one node',
  MULTIPLE_DOCS: 'more than one YAML document in the file',
  MULTIPLE_TAGS: 'several tags on one node',
  NON_STRING_KEY: 'a key that is not a string',
  RESOURCE_EXHAUSTION: 'too many aliases expanded',
  TAB_AS_INDENT: 'a tab used as indentation',
  TAG_RESOLVE_FAILED: 'an unknown tag',
  UNEXPECTED_TOKEN: 'unexpected text here',
  BAD_COLLECTION_TYPE: 'a collection of the wrong type for its tag',
};

/** `YAML syntax, column C: kind` for the first error of a document; the line goes beside the file. */
export function yamlProblem(err: YAMLError): { line?: number; message: string } {
  const pos = err.linePos?.[0];
  const kind = YAML_KINDS[err.code] ?? `YAML error ${err.code}`;
  return { line: pos?.line, message: `YAML syntax${pos ? `, column ${pos.col}` : ''}: ${kind}` };
}

/** A zod issue as `path: message`, each key of the path and any unknown key shown only if repeatable. */
export function zodIssueText(issue: z.core.$ZodIssue, fallbackWhere = ''): string {
  const where = issue.path.map((p) => (typeof p === 'string' ? repeatable(p) : String(p))).join('.') || fallbackWhere;
  // zod quotes unknown keys; every other message it writes names the schema's expectations, not the input.
  const message = issue.code === 'unrecognized_keys' ? `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.map((k) => (mayRepeat(k) ? JSON.stringify(k) : repeatable(k))).join(', ')}` : issue.message;
  return where ? `${where}: ${message}` : message;
}
