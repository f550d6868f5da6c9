// Joins rules with the scan: a rule counts only where a passing check proves its log source (and fields) collected.
import type { Bilingual, Finding, LogSourceRef, SourceStatus } from '../model.js';
import type { DetectionRule } from '../rules/model.js';
import { fieldsNamed, logSourceLabel, servesLogSource } from './logsource.js';
import { provesVisibility } from './measured.js';
import type { BlindSource, RuleVisibility, Visibility } from './types.js';

interface Provider {
  finding: Finding;
  ref: LogSourceRef;
}

interface Failure {
  check: string;
  title: Bilingual;
  /** The rule's fields this failure says are not logged; empty: the whole source is not collected. */
  fields: string[];
}

const GOOD = new Set(['pass']);
const BAD = new Set(['fail', 'warn']);

function lsKey(ls: LogSourceRef): string {
  return `${ls.product ?? ''}|${ls.category ?? ''}|${ls.service ?? ''}`;
}

function listTargets(ts: string[]): string {
  return ts.length <= 3 ? ts.join(', ') : `${ts.slice(0, 3).join(', ')} …`;
}

/** A log-source class of the source map as coverage needs it: its status and the Sigma log sources it carries. */
export interface SourceClassGate {
  id: string;
  name: Bilingual;
  status: SourceStatus;
  sigma: LogSourceRef[];
}

/** Classes whose Sigma log sources include the rule's (and, for a field-specific class, a field the rule reads). */
export function classesOfRule(
  rule: Pick<DetectionRule, 'logsource' | 'fields'>,
  classes: SourceClassGate[],
): SourceClassGate[] {
  return classes.filter((c) =>
    c.sigma.some(
      (ref) =>
        servesLogSource(rule.logsource, ref) &&
        (!ref.fields || ref.fields.length === 0 || fieldsNamed(rule.fields, ref.fields).length > 0),
    ),
  );
}

/**
 * A rule whose host checks pass is visible only where its log-source class is measured too (a check that the host
 * logs something does not prove the SIEM receives the class): otherwise it is blind (class missing) or not measured.
 */
function gateByClass(v: RuleVisibility, rule: DetectionRule, classes: SourceClassGate[] | undefined): RuleVisibility {
  if (!classes) return v;
  const mine = classesOfRule(rule, classes);
  if (mine.length === 0) return v;
  const withClasses = { ...v, source_classes: mine.map((c) => c.id) };
  if ((v.visibility !== 'visible' && v.visibility !== 'partial') || mine.some((c) => c.status === 'measured'))
    return withClasses;
  const c = mine[0]!;
  const label = logSourceLabel(rule.logsource);
  const missing = mine.some((x) => x.status === 'missing');
  return {
    ...withClasses,
    visibility: missing ? 'blind' : 'unknown',
    visible_on: [],
    blind_on: missing ? [...v.visible_on, ...v.blind_on] : v.blind_on,
    explain: {
      en:
        `${label} is logged on ${v.visible_on.length} target(s), but its source class "${c.name.en}" is ` +
        `${c.status} in the source map: a rule counts as visible only where its class is measured.`,
      ja:
        `${label} は ${v.visible_on.length} 台で記録されていますが、ログソース「${c.name.ja}」がソースマップで実測されていません（${c.status}）。ルールはログ` +
        'ソースが実測された場合にだけ可視とみなします。',
    },
  };
}

/** Computes every rule's visibility from the findings; rules sharing a log source share the source-level work. */
export class VisibilityIndex {
  private readonly providers: Provider[] = [];
  private readonly bySource = new Map<string, Provider[]>();
  readonly measured: boolean;

  constructor(
    findings: Finding[],
    private readonly classes?: SourceClassGate[],
  ) {
    for (const f of findings) {
      if (!provesVisibility(f)) continue;
      for (const ref of f.provides ?? []) this.providers.push({ finding: f, ref });
    }
    this.measured = this.providers.length > 0;
  }

  private providersFor(ls: LogSourceRef): Provider[] {
    const k = lsKey(ls);
    let list = this.bySource.get(k);
    if (!list) {
      list = this.providers.filter((p) => servesLogSource(ls, p.ref));
      this.bySource.set(k, list);
    }
    return list;
  }

  /** Checks (and their findings) that say something about a log source with optional fields: used for OWASP needs. */
  sourceStatus(ls: LogSourceRef): { status: 'collected' | 'not-collected' | 'unknown'; checks: string[] } {
    const needFields = ls.fields ?? [];
    const matches = this.providers.filter((p) => servesLogSource(ls, p.ref));
    const relevant = matches.filter(
      (p) =>
        needFields.length === 0 ||
        !p.ref.fields ||
        p.ref.fields.length === 0 ||
        fieldsNamed(needFields, p.ref.fields).length > 0,
    );
    const names = (ps: Provider[]) => [...new Set(ps.map((p) => p.finding.check))].sort();
    // Only a passing check that names the needed fields proves them; the checks listed are the ones that decided.
    const good = relevant.filter(
      (p) =>
        GOOD.has(p.finding.status) &&
        (needFields.length === 0 || (p.ref.fields && fieldsNamed(needFields, p.ref.fields).length > 0)),
    );
    if (good.length > 0) return { status: 'collected', checks: names(good) };
    const bad = relevant.filter((p) => BAD.has(p.finding.status));
    return bad.length > 0 ? { status: 'not-collected', checks: names(bad) } : { status: 'unknown', checks: [] };
  }

  of(rule: DetectionRule): RuleVisibility {
    return gateByClass(this.ofFindings(rule), rule, this.classes);
  }

  private ofFindings(rule: DetectionRule): RuleVisibility {
    const label = logSourceLabel(rule.logsource);
    const providers = this.providersFor(rule.logsource);
    if (providers.length === 0) {
      return {
        visibility: 'unknown',
        visible_on: [],
        blind_on: [],
        checks: [],
        missing_fields: [],
        explain: this.measured
          ? {
              en: `No check in this scan looked at ${label}: visibility not measured.`,
              ja: `今回のスキャンには ${label} を確認するチェックがなく、可視性は未測定です。`,
            }
          : {
              en: 'No reached target proved a log source (or no scan joined): visibility not measured.',
              ja: 'ログソースを確認できた対象がない（またはスキャン結果と突き合わせていない）ため、可視性は未測定です。',
            },
      };
    }
    const passes = new Map<string, Provider[]>();
    const fails = new Map<string, Failure[]>();
    for (const p of providers) {
      const target = p.finding.target;
      if (GOOD.has(p.finding.status)) passes.set(target, [...(passes.get(target) ?? []), p]);
      else {
        // A failing check about specific fields blinds only the rules that read one of those fields.
        const named = p.ref.fields && p.ref.fields.length > 0 ? fieldsNamed(rule.fields, p.ref.fields) : [];
        if (p.ref.fields && p.ref.fields.length > 0 && named.length === 0) continue;
        fails.set(target, [
          ...(fails.get(target) ?? []),
          { check: p.finding.check, title: p.finding.title, fields: named },
        ]);
      }
    }
    // A target sees the rule's events when some passing check proves the source there: another source of the same
    // events (Sysmon event 1 where 4688 is off) overrides a failing one, but a missing field is only overridden by a
    // passing check that names that field.
    const seesOn = (target: string): boolean => {
      const ok = passes.get(target) ?? [];
      if (ok.length === 0) return false;
      return (fails.get(target) ?? []).every(
        (f) =>
          f.fields.length === 0 ||
          ok.some((p) => p.ref.fields && fieldsNamed(f.fields, p.ref.fields).length === f.fields.length),
      );
    };
    const targets = [...new Set([...passes.keys(), ...fails.keys()])].sort();
    const visibleOn = targets.filter(seesOn);
    const blindOn = targets.filter((t) => !seesOn(t) && fails.has(t));
    const measured = targets.length;
    const fail = new Map<string, Failure>();
    for (const t of blindOn) {
      const fs = fails.get(t)!;
      fail.set(t, { check: fs[0]!.check, title: fs[0]!.title, fields: fs.flatMap((f) => f.fields) });
    }
    const visibility: Visibility =
      blindOn.length === 0
        ? visibleOn.length > 0
          ? 'visible'
          : 'unknown'
        : visibleOn.length === 0
          ? 'blind'
          : 'partial';
    const failing = [...fail.values()];
    const missing = [...new Set(failing.flatMap((f) => f.fields))].sort();
    const checks = [...new Set(providers.map((p) => p.finding.check))].sort();
    const first = failing[0];
    let explain: Bilingual;
    if (visibility === 'visible') {
      const proof = [...new Set(visibleOn.flatMap((t) => passes.get(t)!.map((p) => p.finding.check)))].sort();
      explain = {
        en:
          `${label} is collected on ${visibleOn.length} target(s) (${listTargets(visibleOn)}), per ` +
          `${proof.join(', ')}.`,
        ja: `${proof.join('、')} により、${label} は ${visibleOn.length} 台（${listTargets(visibleOn)}）で収集されていることを確認しました。`,
      };
    } else if (first) {
      const what =
        missing.length > 0
          ? {
              en: ` (field ${missing.join(', ')} not logged)`,
              ja: `（フィールド ${missing.join('、')} が記録されていません）`,
            }
          : { en: '', ja: '' };
      const head =
        visibility === 'blind'
          ? { en: `${label} rules are blind`, ja: `${label} のルールは機能しません` }
          : { en: `${label} rules are partly blind`, ja: `${label} のルールは一部の対象で機能しません` };
      explain = {
        en:
          `${head.en}: "${first.title.en}" (${first.check}) fails on ${blindOn.length} of ${measured} ` +
          `target(s) (${listTargets(blindOn)})${what.en}.`,
        ja:
          `${head.ja}。「${first.title.ja}」（${first.check}）が ${measured} 台中 ${blindOn.length} ` +
          `台（${listTargets(blindOn)}）で不合格です${what.ja}。`,
      };
    } else {
      explain = {
        en: `Checks on ${label} were inconclusive.`,
        ja: `${label} に関するチェックの結果は判定不能でした。`,
      };
    }
    return { visibility, visible_on: visibleOn, blind_on: blindOn, checks, missing_fields: missing, explain };
  }
}

/** One line per log source whose rules are blind or partly blind, most rules first. */
export function blindSources(rules: DetectionRule[], vis: Map<DetectionRule, RuleVisibility>): BlindSource[] {
  const groups = new Map<string, { ls: LogSourceRef; rules: DetectionRule[]; v: RuleVisibility[] }>();
  for (const r of rules) {
    const v = vis.get(r);
    if (!v || (v.visibility !== 'blind' && v.visibility !== 'partial')) continue;
    const k = lsKey(r.logsource);
    const g = groups.get(k) ?? { ls: r.logsource, rules: [], v: [] };
    g.rules.push(r);
    g.v.push(v);
    groups.set(k, g);
  }
  const out: BlindSource[] = [];
  for (const g of groups.values()) {
    // The most widespread failure speaks for the group: the rules that need no missing field.
    const best = g.v.reduce((a, b) => (b.blind_on.length > a.blind_on.length ? b : a));
    const measured = new Set([...best.blind_on, ...best.visible_on]).size;
    out.push({
      logsource: g.ls,
      label: logSourceLabel(g.ls),
      rules: g.rules.length,
      visibility: g.v.every((v) => v.visibility === 'blind') ? 'blind' : 'partial',
      st: g.v.every((v) => v.visibility === 'blind') ? 'fail' : 'warn',
      checks: [...new Set(g.v.flatMap((v) => v.checks))].sort(),
      blind_targets: best.blind_on.length,
      measured_targets: measured,
      explain: best.explain,
    });
  }
  return out.sort((a, b) => b.rules - a.rules || a.label.localeCompare(b.label));
}
