// The readiness checklist's audit-policy line names what the OS audit policy must record. It speaks only of the
// platforms the run scanned: a Windows-only estate has no bpf() calls to audit, a Linux-only one no failed logons in
// an advanced audit policy.
import type { Bilingual, TargetKind } from '../model.js';

const LINUX: Bilingual = {
  en: 'OS audit rules record process execution, privilege use, and kernel-level activity such as bpf() calls.',
  ja: 'OS の監査設定がプロセス実行、特権の使用、bpf() などカーネルレベルの操作を記録している。',
};

const WINDOWS: Bilingual = {
  en: 'The Windows advanced audit policy records process creation with command lines, successful and failed logons, account changes and privilege use, and legacy category settings cannot override it.',
  ja: 'Windows の監査ポリシーの詳細な構成が、コマンド ライン付きのプロセス作成、ログオンの成功と失敗、アカウントの変更、特権の使用を記録し、旧カテゴリ設定で上書きされない。',
};

const BOTH: Bilingual = {
  en: 'OS audit policy records process execution, logons and privilege use: on Linux, kernel-level activity such as bpf() calls; on Windows, failed logons and process command lines.',
  ja: 'OS の監査設定がプロセス実行、ログオン、特権の使用を記録している（Linux では bpf() などカーネルレベルの操作、Windows ではログオンの失敗とプロセスのコマンド ライン）。',
};

const NEITHER: Bilingual = {
  en: 'OS audit policy records process execution, logons and privilege use on the hosts behind the services.',
  ja: 'サービスを支えるホストで、OS の監査設定がプロセス実行、ログオン、特権の使用を記録している。',
};

/** The audit-policy checklist text for the target kinds of a run. */
export function auditPolicyChecklistText(kinds: Iterable<TargetKind>): Bilingual {
  const set = new Set(kinds);
  const linux = set.has('linux');
  const windows = set.has('windows');
  if (linux && windows) return BOTH;
  if (windows) return WINDOWS;
  if (linux) return LINUX;
  return NEITHER;
}
