import type { Command } from 'commander';
import { loadCatalog } from '../checks/catalog.js';
import { linuxCollectScript } from '../collect/script-linux.js';
import { DATABASE_PRODUCTS } from '../database/products.js';
import { InputError } from '../util/validate.js';
import { VERSION } from '../version.js';
import { guarded } from './errors.js';

export function register(program: Command): void {
  program
    .command('collect-script')
    .description(
      'print a read-only collection script for a host socready cannot reach; evaluate its output with scan --evidence',
    )
    .requiredOption('--platform <platform>', 'linux or windows')
    .option(
      '--database <products>',
      'also read these database servers on the host (linux: postgresql, mariadb, mysql; windows: mssql)',
    )
    .action((opts: { platform: string; database?: string }) =>
      guarded(async () => {
        const catalog = loadCatalog();
        const databases = (opts.database ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((name) => {
            const module = DATABASE_PRODUCTS[name as keyof typeof DATABASE_PRODUCTS];
            const offered = opts.platform === 'windows' ? module?.psQuery : module?.offlineQuery;
            if (!module || !offered)
              throw new InputError(
                '(command line)',
                `--database: "${name}" is not one of ` +
                  `${opts.platform === 'windows' ? 'mssql' : 'postgresql, mariadb, mysql'}` +
                  ` (--platform ${opts.platform})`,
              );
            return module;
          });
        const probes = [...catalog.probes.values()].filter(
          (p) =>
            p.platform === opts.platform || p.platform === 'any' || (databases.length > 0 && p.platform === 'database'),
        );
        if (opts.platform === 'linux') {
          process.stdout.write(linuxCollectScript(probes, VERSION, databases));
        } else if (opts.platform === 'windows') {
          const { windowsCollectScript } = await import('../collect/script-windows.js');
          process.stdout.write(windowsCollectScript(probes, VERSION, databases));
        } else {
          throw new InputError('(command line)', `--platform must be linux or windows, not "${opts.platform}"`);
        }
        return 0;
      }),
    );
}
