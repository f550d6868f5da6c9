// Which title a finding shows. A check's title states the desired state ("auditd is running"); next to a red badge that
// reads like good news, so a failing or warning finding shows what was observed (the check's `fail_title`, "auditd is
// not running"). Catalog listings and passing findings keep the desired-state title.
import type { Bilingual, Finding, FindingStatus } from '../model.js';

const OBSERVED_STATES = new Set<FindingStatus>(['fail', 'warn']);

/** The title to show for this finding: what was observed when it failed or warned, else the check's title. */
export function shownTitle(f: Pick<Finding, 'status' | 'title' | 'fail_title'>): Bilingual {
  return OBSERVED_STATES.has(f.status) && f.fail_title ? f.fail_title : f.title;
}
