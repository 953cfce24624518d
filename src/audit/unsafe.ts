/**
 * Characters a terminal acts on, or that reorder or hide the text around them: C0, DEL, C1, every
 * format character (Cf: bidi controls U+202A–E, U+2066–9, U+200E/F, U+061C, zero widths, tags) and
 * U+2028/9. The CLI escapes them in all its output (cli/io.ts), and the trail
 * stores them escaped too (cap.ts), so no reader of the file meets them raw. No imports: the CLI
 * loads this on every command.
 */
export const UNSAFE_CHAR_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\p{Cf}';
