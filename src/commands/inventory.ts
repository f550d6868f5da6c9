import type { Command } from 'commander';
import { loadInventory } from '../inventory/load.js';
import { guarded } from './errors.js';

export function register(program: Command): void {
  const inventory = program.command('inventory').description('inventories of targets');
  inventory
    .command('validate <file>')
    .description('validate an inventory file against its schema (errors name file, line, column and field)')
    .action((file: string) =>
      guarded(() => {
        const inv = loadInventory(file);
        process.stdout.write(
          `${file}: valid, ${inv.targets.length} targets ` +
            `(${[...new Set(inv.targets.map((t) => t.kind))].join(', ') || 'none'})\n`,
        );
        return 0;
      }),
    );
}
