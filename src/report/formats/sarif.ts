// SARIF 2.1.0 (OASIS): one run, the checks as rules (with bilingual metadata in the chosen language and GitHub's
// security-severity), findings as results. A target is not a source file, so each result carries the target as a
// logical location and, when the inventory is a file, that file as its physical location. Active waivers become
// external, accepted suppressions; expired ones are not suppressions and say so in the properties.
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Lang, Report, Severity } from '../../model.js';
import { shownTitle } from '../finding-title.js';
import { isActivelyWaived } from '../../score/findings.js';
import { AREA_NAMES, levelLabel, VERDICT_TEXT } from '../../score/labels.js';
import { explanationLines, STATUS_TEXT, t } from './text.js';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export interface SarifOptions {
  lang: Lang;
  /** Also emit passing checks as results of kind "pass" (default: only what needs attention). */
  includePasses?: boolean;
}

const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

type Json = Record<string, unknown>;

function inventoryUri(inventory: string): string | undefined {
  if (!inventory || inventory.startsWith('(')) return undefined;
  if (isAbsolute(inventory)) return pathToFileURL(inventory).href;
  return inventory.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function fingerprint(f: Finding): string {
  return createHash('sha256').update(`${f.check}\u0000${f.target}`).digest('hex').slice(0, 32);
}

function rule(f: Finding, lang: Lang): Json {
  const tags = [...new Set(['security', f.area, ...(f.maps.attack ?? []), ...(f.maps.owasp ?? [])])];
  const remediation = t(f.remediation, lang);
  return {
    id: f.check,
    shortDescription: { text: t(f.title, lang) },
    ...(f.rationale ? { fullDescription: { text: t(f.rationale, lang) } } : {}),
    ...(remediation ? { help: { text: remediation } } : {}),
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: {
      tags,
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[f.severity],
      area: f.area,
      area_name: t(AREA_NAMES[f.area], lang),
      ...(f.maps.data_components?.length ? { data_components: f.maps.data_components } : {}),
    },
  };
}

function resultKind(f: Finding): { kind: string; level: string } {
  switch (f.status) {
    case 'fail':
      return { kind: 'fail', level: LEVEL[f.severity] };
    case 'warn':
      return { kind: 'fail', level: 'warning' };
    case 'pass':
      return { kind: 'pass', level: 'none' };
    case 'not-applicable':
      return { kind: 'notApplicable', level: 'none' };
    default:
      // error, inconclusive: the check could not tell; someone has to look.
      return { kind: 'review', level: 'none' };
  }
}

function message(f: Finding, lang: Lang): string {
  const parts = [`${t(shownTitle(f), lang)}: ${t(STATUS_TEXT[f.status], lang)} (${f.target})`];
  if (f.reason) parts.push(f.reason);
  parts.push(...explanationLines(f, lang));
  if (f.excerpt && !f.decisive?.length)
    parts.push(
      `${lang === 'en' ? 'Evidence' : '証跡'}: ${f.excerpt.length > 400 ? `${f.excerpt.slice(0, 400)}…` : f.excerpt}`,
    );
  return parts.join('\n');
}

/** A file on the target (an absolute path there) as a SARIF artifact URI; relative paths stay relative. */
function targetFileUri(path: string): string {
  return path.startsWith('/')
    ? `file://${path.split('/').map(encodeURIComponent).join('/')}`
    : /^[A-Za-z]:[\\/]/.test(path)
      ? `file:///${path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/').replace('%3A', ':')}`
      : path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/**
 * Where the result was found: each decisive line read from a file on the target, with its line (region.startLine)
 * and the line itself as the snippet; else the inventory file. The target and check are the logical location.
 */
function locations(f: Finding, inventory: string | undefined): Json[] {
  const logical = [{ name: f.target, fullyQualifiedName: `${f.target}/${f.check}`, kind: 'resource' }];
  const files = (f.decisive ?? []).filter((l) => l.file);
  if (files.length === 0)
    return [
      {
        ...(inventory ? { physicalLocation: { artifactLocation: { uri: inventory } } } : {}),
        logicalLocations: logical,
      },
    ];
  return files.map((l) => ({
    physicalLocation: {
      artifactLocation: { uri: targetFileUri(l.file!) },
      ...(l.line ? { region: { startLine: l.line, snippet: { text: l.text } } } : {}),
    },
    logicalLocations: logical,
  }));
}

/** The findings that explain this one, as related locations (ids from 1, referenced by nothing else). */
function relatedLocations(f: Finding, lang: Lang): Json[] {
  return (f.related ?? []).map((r, i) => ({
    id: i + 1,
    message: { text: `${r.check}: ${t(r.why, lang)}` },
    logicalLocations: [{ name: f.target, fullyQualifiedName: `${f.target}/${r.check}`, kind: 'resource' }],
  }));
}

export function renderSarif(report: Report, opts: SarifOptions): string {
  const { lang } = opts;
  const shown = report.findings.filter(
    (f) => f.status !== 'not-applicable' && (opts.includePasses || f.status !== 'pass'),
  );
  // Rules: every check the report ran, so "0 results for rule X" is visible too.
  const rules: Json[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of report.findings) {
    if (ruleIndex.has(f.check)) continue;
    ruleIndex.set(f.check, rules.length);
    rules.push(rule(f, lang));
  }
  const uri = inventoryUri(report.run.inventory);
  const results = shown.map((f): Json => {
    const { kind, level } = resultKind(f);
    const properties: Json = {
      target: f.target,
      area: f.area,
      status: f.status,
      severity: f.severity,
      evidence: f.evidence,
    };
    if (f.observed) properties.observed = f.observed;
    if (f.explanation) properties.explanation = f.explanation;
    if (f.decisive?.length) properties.decisive = f.decisive;
    if (f.waiver?.expired)
      properties.waiver_expired = {
        expires: f.waiver.expires,
        file: f.waiver.file,
        justification: f.waiver.justification,
      };
    return {
      ruleId: f.check,
      ruleIndex: ruleIndex.get(f.check),
      kind,
      level,
      message: { text: message(f, lang) },
      locations: locations(f, uri),
      ...(f.related?.length ? { relatedLocations: relatedLocations(f, lang) } : {}),
      partialFingerprints: { 'socreadyFinding/v1': fingerprint(f) },
      ...(isActivelyWaived(f)
        ? {
            suppressions: [
              {
                kind: 'external',
                status: 'accepted',
                justification: f.waiver!.justification,
                properties: { expires: f.waiver!.expires, file: f.waiver!.file },
              },
            ],
          }
        : {}),
      properties,
    };
  });
  const s = report.score;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'socready', version: report.tool.version, semanticVersion: report.tool.version, rules },
        },
        automationDetails: { id: `socready/${report.run.id}` },
        invocations: [
          { executionSuccessful: true, startTimeUtc: report.run.started_at, endTimeUtc: report.run.finished_at },
        ],
        language: lang === 'ja' ? 'ja-JP' : 'en-US',
        results,
        properties: {
          organization: report.run.organization,
          ...(s
            ? {
                overall_level: s.overall,
                overall: levelLabel(s.overall, lang),
                soar_verdict: s.soar.verdict,
                soar: t(VERDICT_TEXT[s.soar.verdict], lang),
                areas: s.areas.map((a) => ({ area: a.area, level: a.level, basis: a.basis })),
              }
            : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
