import { PRESETS } from '../../policy/presets.js';
import { action } from '../context.js';
import { printJson, printTable } from '../io.js';

/** `blindfold presets`, as declared in ../definitions.ts. */
export const presetsAction = action((opts: { json?: boolean }) => {
  const presets = Object.values(PRESETS).map(({ namePatterns: _n, ...p }) => p);
  if (opts.json) return printJson({ presets });
  printTable(
    ['PRESET', 'HOSTS', 'INJECT', 'VALUE'],
    presets.map((p) => [p.id, p.hosts.join(','), p.inject, p.valueHint ?? 'the API key']),
  );
});
