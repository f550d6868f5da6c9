import type { Command } from 'commander';
import { loadCatalog } from '../checks/catalog.js';
import { linuxCollectScript } from '../collect/script-linux.js';
import { InputError } from '../util/validate.js';
import { VERSION } from '../version.js';
import { guarded } from './errors.js';

export function register(program: Command): void {
  program
    .command('collect-script')
    .description('print a read-only collection script for a host socready cannot reach; evaluate its output with scan --evidence')
    .requiredOption('--platform <platform>', 'linux or windows')
    .action((opts: { platform: string }) =>
      guarded(async () => {
        const catalog = loadCatalog();
        const probes = [...catalog.probes.values()].filter((p) => p.platform === opts.platform || p.platform === 'any');
        if (opts.platform === 'linux') {
          process.stdout.write(linuxCollectScript(probes, VERSION));
        } else if (opts.platform === 'windows') {
          const { windowsCollectScript } = await import('../collect/script-windows.js');
          process.stdout.write(windowsCollectScript(probes, VERSION));
        } else {
          throw new InputError('(command line)', `--platform must be linux or windows, not "${opts.platform}"`);
        }
        return 0;
      }),
    );
}
