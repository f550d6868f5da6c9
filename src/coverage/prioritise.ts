// Which gaps to close first: techniques real groups use (above all the groups of interest), and blind rules that only
// need their logs switched on.
import type { AttackIndex } from '../attack/catalog.js';
import type { AttackTechnique } from '../attack/types.js';
import { normaliseTechniqueId } from '../rules/model.js';
import {
  type FocusCoverage,
  type Gap,
  type Grade,
  GRADE_LABEL,
  GRADES,
  gradeRank,
  gradeStatus,
  type TechniqueCoverage,
} from './types.js';

export interface FocusResolution {
  /** Technique ID → the focus entries (group names or the technique itself) that make it a priority. */
  techniques: Map<string, string[]>;
  entries: { key: string; id: string; name: string; kind: 'group' | 'technique'; techniques: string[] }[];
  unknown: string[];
}

/** Resolves threat-focus entries: groups by ID, name or alias (their techniques), or technique IDs. */
export function resolveFocus(focus: string[], index: AttackIndex): FocusResolution {
  const techniques = new Map<string, string[]>();
  const entries: FocusResolution['entries'] = [];
  const unknown: string[] = [];
  const add = (tech: string, why: string) => {
    const list = techniques.get(tech) ?? [];
    if (!list.includes(why)) list.push(why);
    techniques.set(tech, list);
  };
  for (const key of focus) {
    const tid = normaliseTechniqueId(key);
    if (tid) {
      const r = index.resolve(tid);
      if (r.status === 'live' || r.status === 'revoked') {
        add(r.id, r.id);
        if (entries.some((e) => e.id === r.id)) continue;
        entries.push({
          key,
          id: r.id,
          name: index.techniques.get(r.id)?.name ?? r.id,
          kind: 'technique',
          techniques: [r.id],
        });
      } else unknown.push(key);
      continue;
    }
    const g = index.group(key.trim());
    if (!g) {
      unknown.push(key);
      continue;
    }
    if (entries.some((e) => e.id === g.id)) continue;
    const ids = [
      ...new Set(
        g.techniques
          .map((t) => index.resolve(t))
          .filter((r) => r.status === 'live' || r.status === 'revoked')
          .map((r) => r.id),
      ),
    ].sort();
    for (const t of ids) add(t, `${g.name} (${g.id})`);
    entries.push({ key, id: g.id, name: g.name, kind: 'group', techniques: ids });
  }
  return { techniques, entries, unknown };
}

export function focusCoverage(focus: FocusResolution, byId: Map<string, TechniqueCoverage>): FocusCoverage[] {
  return focus.entries.map((e) => {
    const by_grade = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
    for (const t of e.techniques) by_grade[byId.get(t)?.grade ?? 'none']++;
    const covered = e.techniques.filter((t) => gradeRank(byId.get(t)?.grade ?? 'none') >= gradeRank('visible')).length;
    const ratio = e.techniques.length ? covered / e.techniques.length : 0;
    return {
      key: e.key,
      id: e.id,
      name: e.name,
      kind: e.kind,
      techniques: e.techniques.length,
      by_grade,
      covered_ratio: ratio,
      covered_percent: Math.round(ratio * 100),
    };
  });
}

/**
 * Priority of a gap: how widely groups use the technique (0..4), a large boost for threat-focus techniques, and a
 * bonus for blind rules (already written; only the logs are missing, so they are the cheapest to fix).
 */
export function prioritiseGaps(techs: TechniqueCoverage[], index: AttackIndex, maxGaps = 25): Gap[] {
  const maxUse = Math.max(1, ...index.groupUse.values());
  const gaps: Gap[] = [];
  for (const t of techs) {
    if (gradeRank(t.grade) >= gradeRank('visible')) continue;
    const tech = index.techniques.get(t.id) as AttackTechnique;
    if (tech.data_components.length === 0 && t.focus.length === 0) continue; // nothing in the logs could show it
    const prevalence = (4 * Math.log1p(t.groups_using)) / Math.log1p(maxUse);
    const focusBoost = t.focus.length > 0 ? 6 : 0;
    const blindBonus = t.grade === 'blind' ? 1.5 : t.grade === 'declared' ? 0.5 : 0;
    const priority = Math.round((1 + prevalence + focusBoost + blindBonus) * 10) / 10;
    const en: string[] = [];
    const ja: string[] = [];
    if (t.focus.length > 0) {
      en.push(`threat focus: ${t.focus.slice(0, 3).join(', ')}`);
      ja.push(`重点脅威：${t.focus.slice(0, 3).join('、')}`);
    }
    if (t.groups_using > 0) {
      en.push(`used by ${t.groups_using} known group(s)`);
      ja.push(`既知の攻撃グループ ${t.groups_using} 件が使用`);
    }
    en.push(
      t.grade === 'none'
        ? 'no rule'
        : t.grade === 'blind'
          ? 'rules exist but their logs are not collected'
          : 'rules exist; their logs were not checked',
    );
    ja.push(
      t.grade === 'none'
        ? 'ルールなし'
        : t.grade === 'blind'
          ? 'ルールはあるがログが未収集'
          : 'ルールはあるがログ収集は未確認',
    );
    const dcs = tech.data_components.slice(0, 4);
    const action =
      t.grade === 'blind'
        ? {
            en: `Collect the logs the rules read: ${t.explain.find((e) => /blind/.test(e.en))?.en ?? ''}`.trim(),
            ja: `ルールが読むログを収集してください。${t.explain.find((e) => /blind/.test(e.en))?.ja ?? ''}`.trim(),
          }
        : t.grade === 'declared'
          ? {
              en:
                'Scan the assets that produce ' +
                `${[...new Set(t.rules.map((r) => r.logsource))].slice(0, 3).join(', ')} to confirm the logs ` +
                'are collected.',
              ja:
                `${[...new Set(t.rules.map((r) => r.logsource))].slice(0, 3).join('、')} を出力する資産をスキャンし、ログの収集を確認し` +
                'てください。',
            }
          : {
              en: `Write or enable a rule${dcs.length ? ` over ${dcs.join(', ')}` : ''}.`,
              ja: `${dcs.length ? `${dcs.join('、')} を対象とする` : ''}ルールを作成するか有効にしてください。`,
            };
    gaps.push({
      technique: t.id,
      name: t.name,
      tactics: t.tactics,
      grade: t.grade,
      grade_label: GRADE_LABEL[t.grade],
      st: gradeStatus(t.grade),
      priority,
      reasons: { en: en.join('; '), ja: ja.join('、') },
      action,
    });
  }
  return gaps.sort((a, b) => b.priority - a.priority || a.technique.localeCompare(b.technique)).slice(0, maxGaps);
}
