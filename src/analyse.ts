import type { Report } from './model.js';
import type { ScanOptions } from './scan.js';

/** analyse -> score: adds the analyses, questionnaire, waivers, score and the comparison with the previous run. */
export async function completeReport(_report: Report, _opts: ScanOptions): Promise<void> {}
