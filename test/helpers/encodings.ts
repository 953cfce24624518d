// The classic spellings of a value (base64 at three alignments, URL/form profiles, JSON, HTML, hex),
// once moved out of src/redact (the redactor decodes instead of listing spellings). Defined in plain
// JavaScript beside the B3 bench, which runs on dist/ without a TypeScript loader; one definition.
export * from '../../tools/bench/encodings.mjs';
