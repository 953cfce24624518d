import type { Command } from 'commander';
import { PRESETS } from '../../policy/presets.js';
import { action } from '../context.js';
import { printJson, printTable } from '../io.js';

export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list the API presets usable with `set --preset` (hosts and how the key is sent)')
    .option('--json', 'print as JSON')
    .action(
      action((opts: { json?: boolean }) => {
        const presets = Object.values(PRESETS).map(({ namePatterns: _n, ...p }) => p);
        if (opts.json) return printJson({ presets });
        printTable(
          ['PRESET', 'HOSTS', 'INJECT', 'VALUE'],
          presets.map((p) => [p.id, p.hosts.join(','), p.inject, p.valueHint ?? 'the API key']),
        );
      }),
    );
}
