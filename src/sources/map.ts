// The source map: between evaluate and score. Per log-source class a status derived from findings on reached targets
// and the estate the inventory declares; per attack use-case whether every class it needs is measured. A class is
// never "collected" because nothing contradicted it: only a passing proof on a reached target measures it.
import type {
  AnalysisSection,
  Bilingual,
  Estate,
  EstateSource,
  Finding,
  SourceClassResult,
  SourceMapDetails,
  SourceMapSummary,
  SourceStatus,
  TargetResult,
  UseCaseResult,
} from '../model.js';
import type { SourceCatalog, SourceClass, UseCase } from './catalog.js';

export interface SourceMapInputs {
  catalog: SourceCatalog;
  findings: Finding[];
  targets: TargetResult[];
  estate?: Estate;
  /** The organisation's playbooks (id and name), for inferring the use-cases they handle. */
  playbooks?: { id: string; name: string }[];
}

const REACHED = new Set<TargetResult['status']>(['ok', 'partial']);

const ref = (f: Pick<Finding, 'check' | 'target'>) => `finding:${f.check}@${f.target}`;

function present(e: EstateSource | undefined): boolean | undefined {
  if (e === undefined) return undefined;
  if (e === false) return false;
  return e.count === undefined || e.count > 0;
}

interface Proof {
  status: 'measured' | 'contradicted' | 'none';
  proof?: 'collected' | 'arrived';
  evidence: string[];
  means?: Bilingual;
}

/** What the findings on reached targets say about one class. */
function proofOf(cls: SourceClass, byTarget: Map<string, Map<string, Finding>>): Proof {
  let best: Proof = { status: 'none', evidence: [] };
  const contradicting: string[] = [];
  for (const [, findings] of byTarget) {
    for (const group of cls.measured_by) {
      const fs = group.checks.map((c) => findings.get(c));
      if (fs.every((f) => f?.status === 'pass')) {
        if (best.status !== 'measured' || (best.proof === 'collected' && group.proves === 'arrived')) {
          best = { status: 'measured', proof: group.proves, evidence: fs.map((f) => ref(f!)), means: group.means };
        }
      }
      for (const f of fs) if (f && (f.status === 'fail' || f.status === 'warn')) contradicting.push(ref(f));
    }
  }
  if (best.status === 'measured') return best;
  if (contradicting.length > 0) return { status: 'contradicted', evidence: [...new Set(contradicting)] };
  return best;
}

function reasonFor(status: SourceStatus, p: Proof, fromTargets: boolean, e: EstateSource | undefined): Bilingual {
  switch (status) {
    case 'measured':
      return {
        en: `Measured (${p.proof}): ${p.means!.en}.`,
        ja: `実測（${p.proof === 'arrived' ? '到達を確認' : '収集を確認'}）：${p.means!.ja}。`,
      };
    case 'declared':
      return {
        en: 'Declared collected in the inventory; no check on a reached target proved it.',
        ja: 'インベントリで収集済みと申告されていますが、到達できた対象のチェックでは確認できていません。',
      };
    case 'missing':
      if (p.status === 'contradicted') {
        return {
          en: 'Exists, but the checks that would prove it collected fail.',
          ja: '存在しますが、収集を示すはずのチェックが不合格です。',
        };
      }
      return fromTargets && e === undefined
        ? {
            en:
              'A target of this kind is in the inventory, but no check on a reached target proved the class ' +
              'collected.',
            ja: 'この種類の対象がインベントリにありますが、到達できた対象のチェックで収集を確認できていません。',
          }
        : {
            en: 'The estate has it, but nothing proves it is collected.',
            ja: '環境には存在しますが、収集されていることを示すものがありません。',
          };
    case 'not-in-estate':
      return {
        en: 'The inventory declares the estate has none.',
        ja: 'インベントリで「環境にない」と申告されています。',
      };
    default:
      return {
        en: 'The inventory says nothing about it: declare it under estate.sources.',
        ja: 'インベントリに記載がありません（estate.sources に記載してください）。',
      };
  }
}

function classStatus(
  cls: SourceClass,
  p: Proof,
  kinds: Set<string>,
  e: EstateSource | undefined,
): { status: SourceStatus; fromTargets: boolean } {
  const fromTargets = cls.target_kinds.some((k) => kinds.has(k));
  if (p.status === 'measured') return { status: 'measured', fromTargets };
  const declared = present(e);
  if (declared === false && !fromTargets && p.status === 'none') return { status: 'not-in-estate', fromTargets };
  if (declared === true || fromTargets || p.status === 'contradicted') {
    const claimed = e !== undefined && e !== false && e.collected === true;
    return { status: claimed && p.status !== 'contradicted' ? 'declared' : 'missing', fromTargets };
  }
  return { status: 'unknown', fromTargets };
}

/** Whole words only: "c2" must not match "ec2", "ips" not "ships". */
function matchesKeyword(text: string, keyword: string): boolean {
  const words = ` ${text.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `;
  return words.includes(
    ` ${keyword
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()} `,
  );
}

function playbooksFor(
  u: UseCase,
  inputs: SourceMapInputs,
  named: string[] | undefined,
): { id: string; inferred: boolean }[] {
  if (named) return named.map((id) => ({ id, inferred: false }));
  return (inputs.playbooks ?? [])
    .filter((pb) => (u.playbook_keywords ?? []).some((k) => matchesKeyword(`${pb.id} ${pb.name}`, k)))
    .map((pb) => ({ id: pb.id, inferred: true }));
}

/**
 * Builds the map. Use-cases to detect: the estate's list, else every use-case of the catalog. Use-cases to automate:
 * the estate's list, else those some playbook handles (inferred), else the ones to detect.
 */
export function buildSourceMap(inputs: SourceMapInputs): AnalysisSection<SourceMapSummary, SourceMapDetails> {
  const { catalog, estate } = inputs;
  const reached = new Set(inputs.targets.filter((t) => REACHED.has(t.status)).map((t) => t.id));
  const kinds = new Set(inputs.targets.map((t) => t.kind));
  const byTarget = new Map<string, Map<string, Finding>>();
  for (const f of inputs.findings) {
    if (!reached.has(f.target)) continue; // a target that was not reached proves nothing
    const m = byTarget.get(f.target) ?? new Map<string, Finding>();
    byTarget.set(f.target, m);
    m.set(f.check, f);
  }

  const base = new Map(
    catalog.classes.map((cls) => {
      const p = proofOf(cls, byTarget);
      const e = estate?.sources[cls.id];
      const { status, fromTargets } = classStatus(cls, p, kinds, e);
      return [cls.id, { cls, p, e, status, reason: reasonFor(status, p, fromTargets, e) }] as const;
    }),
  );
  const statusOf = (id: string) => base.get(id)!.status;

  const detectIds = new Set(estate?.use_cases?.detect ?? catalog.use_cases.map((u) => u.id));
  const automateNamed = new Map((estate?.use_cases?.automate ?? []).map((a) => [a.use_case, a.playbooks] as const));
  const useCases: UseCaseResult[] = catalog.use_cases.map((u) => {
    const needs = u.needs.filter((n) => statusOf(n) !== 'not-in-estate');
    const playbooks = playbooksFor(u, inputs, automateNamed.get(u.id));
    const missing = needs.filter((n) => statusOf(n) !== 'measured');
    return {
      id: u.id,
      name: u.name,
      attack: u.attack,
      owasp: u.owasp,
      needs,
      applicable: needs.length > 0,
      detect: detectIds.has(u.id),
      automate: false,
      playbooks,
      missing,
      visible: needs.length > 0 && missing.length === 0,
    };
  });
  // Automate: declared, else what the playbooks handle, else everything to detect.
  const inferred = useCases.filter((u) => u.playbooks.length > 0).map((u) => u.id);
  const automateIds = new Set(
    estate?.use_cases?.automate ? automateNamed.keys() : inferred.length > 0 ? inferred : detectIds,
  );
  for (const u of useCases) u.automate = automateIds.has(u.id);

  const required = useCases.filter((u) => u.applicable && (u.detect || u.automate));
  const classes: SourceClassResult[] = catalog.classes.map((cls) => {
    const b = base.get(cls.id)!;
    const neededBy = required.filter((u) => u.needs.includes(cls.id)).map((u) => u.id);
    return {
      id: cls.id,
      name: cls.name,
      records: cls.records,
      blind_to: cls.blind_to,
      status: b.status,
      required: neededBy.length > 0,
      needed_by: neededBy,
      ...(b.p.proof ? { proof: b.p.proof } : {}),
      evidence: b.p.evidence,
      ...(b.e !== undefined ? { estate: b.e } : {}),
      reason: b.reason,
    };
  });

  const req = classes.filter((c) => c.required);
  const weight = (c: SourceClassResult) => c.needed_by.length;
  const total = req.reduce((s, c) => s + weight(c), 0);
  const measured = req.filter((c) => c.status === 'measured');
  const count = (s: SourceStatus) => req.filter((c) => c.status === s).length;
  const summary: SourceMapSummary = {
    estate_declared: estate !== undefined,
    classes_required: req.length,
    classes_measured: measured.length,
    classes_declared: count('declared'),
    classes_missing: count('missing'),
    classes_unknown: count('unknown'),
    use_cases_required: required.length,
    use_cases_visible: required.filter((u) => u.visible).length,
    weighted_share: total > 0 ? measured.reduce((s, c) => s + weight(c), 0) / total : null,
  };
  return {
    summary,
    details: { catalog: catalog.file, classes, use_cases: useCases, next: nextToConnect(classes, required) },
    problems: [],
  };
}

/**
 * Unmeasured required classes, ordered by the use-cases that connecting it alone makes visible, then by those it
 * blinds.
 */
export function nextToConnect(classes: SourceClassResult[], required: UseCaseResult[]): SourceMapDetails['next'] {
  return classes
    .filter((c) => c.required && c.status !== 'measured')
    .map((c) => {
      const blinds = required.filter((u) => u.missing.includes(c.id)).map((u) => u.id);
      const gains = required.filter((u) => u.missing.length === 1 && u.missing[0] === c.id).map((u) => u.id);
      return { class: c.id, gains, blinds };
    })
    .sort(
      (a, b) => b.gains.length - a.gains.length || b.blinds.length - a.blinds.length || a.class.localeCompare(b.class),
    );
}
