import type { ProbeDef } from '../checks/types.js';
import { InputError } from '../util/validate.js';

/** Replaced by the Windows collection (PowerShell) once the Windows catalog lands. */
export function windowsCollectScript(probes: ProbeDef[], _version: string): string {
  if (probes.length === 0) throw new InputError('(command line)', 'no Windows probes in the check catalog yet');
  throw new InputError('(command line)', 'the Windows collection script is not available in this build');
}
