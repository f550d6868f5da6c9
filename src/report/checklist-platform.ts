// A checklist line names only what applies to the platforms the run scanned: a Windows-only estate has no bpf() calls
// to audit, a Linux-only one no advanced audit policy. The wording itself is data in i18n.ts.
import type { Bilingual, TargetKind } from '../model.js';
import type { ChecklistItem } from './i18n.js';

/** The text of a checklist item for the target kinds of a run. */
export function checklistWhat(item: ChecklistItem, kinds: Iterable<TargetKind>): Bilingual {
  const by = item.whatByPlatform;
  if (!by) return item.what;
  const set = new Set(kinds);
  const linux = set.has('linux');
  const windows = set.has('windows');
  if (linux && windows) return by.both;
  if (windows) return by.windows;
  if (linux) return by.linux;
  return by.none;
}
