// `socready coverage` (rules alone, or joined with an inventory or a scan report) and `socready attack update|info`.
import { writeOutputFile } from '../util/output-file.js';
import { terminalSafe } from '../util/terminal.js';
import { expandCheckText } from '../report/check-text.js';
import { INPUT_LIMITS } from '../util/input-file.js';
import { readJsonObjectStreamed } from '../util/read-json-streamed.js';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadAttackCatalog } from '../attack/catalog.js';
import { OFFICIAL_BUNDLE_URL, updateAttackCache } from '../attack/update.js';
import { computeCoverage } from '../coverage/analyse.js';
import { dettectTechniques, navigatorLayer } from '../coverage/exports.js';
import type { Validation } from '../coverage/grade.js';
import type { CoverageDetails } from '../coverage/types.js';
import { visibleFigures } from '../coverage/measured.js';
import type { AnalysisSection, CoverageSummary, Finding, SourceMapDetails, SourceMapSummary } from '../model.js';
import reportSchema from '../report/report.schema.json' with { type: 'json' };
import { shippedSourceCatalog, sourceClassGates } from '../sources/index.js';
import { dettectDataSources, sourceClassLayer } from '../sources/exports.js';
import { loadRules } from '../rules/load.js';
import { compileSchema, InputError, readYamlFile, validateDoc } from '../util/validate.js';

const inventorySlice = {
  type: 'object',
  properties: {
    rules: { type: 'array', items: { type: 'string' } },
    threat_focus: { type: 'array', items: { type: 'string' } },
  },
};

const reportSlice = {
  type: 'object',
  required: ['findings'],
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['check', 'target', 'status'],
        properties: { provides: { type: 'array', items: { type: 'object' } } },
      },
    },
  },
};

/**
 * The report's source map, validated with the report schema's own definition (the rest of the report is not needed).
 */
const { if: _if, then: _then, else: _else, ...reportSchemaBase } = reportSchema;
const sourcesSlice = {
  ...reportSchemaBase,
  $id: 'https://socready.dev/schema/report-sources-slice.json',
  required: [],
  additionalProperties: true,
  properties: {
    analyses: { type: 'object', properties: { sources: reportSchema.properties.analyses.properties.sources } },
  },
};

const validationShape = {
  type: 'array',
  items: {
    type: 'object',
    required: ['rule_id', 'title', 'techniques', 'validated', 'benign_tested'],
    properties: {
      rule_id: { type: 'string' },
      techniques: { type: 'array', items: { type: 'string' } },
      validated: { type: 'boolean' },
      benign_tested: { type: 'boolean' },
    },
  },
};

interface CoverageCliOptions {
  rules?: string[];
  inventory?: string;
  report?: string;
  navigator?: string;
  dettect?: string;
  sourceLayer?: string;
  dettectDataSources?: string;
  format: string;
  attackCatalog?: string;
  threat?: string[];
  owasp: string;
}

interface Inputs {
  rulePaths: string[];
  findings: Finding[];
  validations: Validation[];
  threatFocus: string[];
  sources?: AnalysisSection<SourceMapSummary, SourceMapDetails>;
}

function readInputs(o: CoverageCliOptions): Inputs {
  const inputs: Inputs = {
    rulePaths: [...(o.rules ?? [])],
    findings: [],
    validations: [],
    threatFocus: [...(o.threat ?? [])],
  };
  if (o.inventory) {
    const parsed = readYamlFile(o.inventory);
    const inv = validateDoc<{ rules?: string[]; threat_focus?: string[] }>(parsed, 0, compileSchema(inventorySlice));
    // Inventory paths are relative to the inventory file, as everywhere else in socready.
    if (inputs.rulePaths.length === 0)
      inputs.rulePaths = (inv.rules ?? []).map((p) => resolve(dirname(o.inventory!), p));
    inputs.threatFocus.push(...(inv.threat_focus ?? []));
  }
  if (o.report) {
    // As readReport reads it: value by value, each finding's check text put back from check_text.
    const doc = readJsonObjectStreamed(o.report, {
      maxBytes: INPUT_LIMITS.reportBytes,
      maxValueBytes: INPUT_LIMITS.jsonBytes,
    });
    expandCheckText(doc);
    const validate = compileSchema(reportSlice);
    if (!validate(doc)) {
      const err = validate.errors?.[0];
      throw new InputError(
        o.report,
        err?.message ?? 'invalid report',
        undefined,
        undefined,
        err?.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(top level)',
      );
    }
    const report = doc as {
      findings: Finding[];
      analyses?: { detections?: { details?: { rules?: unknown } } };
      run?: { options?: { threat_focus?: unknown } };
    };
    inputs.findings = report.findings;
    // Sample detections store their per-rule validation list at details.rules (src/detect/sample.ts).
    const vals = report.analyses?.detections?.details?.rules;
    if (vals !== undefined && compileSchema(validationShape)(vals)) inputs.validations = vals as Validation[];
    const sv = compileSchema(sourcesSlice);
    if (!sv(doc)) {
      const err = sv.errors?.[0];
      throw new InputError(
        o.report,
        err?.message ?? 'invalid source map',
        undefined,
        undefined,
        err?.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'analyses.sources',
      );
    }
    const sources = (doc as { analyses?: { sources?: Inputs['sources'] } }).analyses?.sources;
    if (sources) inputs.sources = sources;
    const tf = report.run?.options?.threat_focus;
    if (Array.isArray(tf)) inputs.threatFocus.push(...tf.filter((x): x is string => typeof x === 'string'));
  }
  return inputs;
}

function pct(n: number, d: number): string {
  return d === 0 ? '-' : `${Math.round((100 * n) / d)}%`;
}

function printText(res: AnalysisSection<CoverageSummary, CoverageDetails>, origin: string): void {
  const s = res.summary;
  const d = res.details;
  const out: string[] = [];
  out.push(
    `ATT&CK ${s.attack_version} (${origin} catalog) · ${s.rules_total} rules read, ${s.rules_failed} file(s) ` +
      `with problems, ${s.correlation_rules} correlation rules`,
  );
  const scope = s.techniques_in_scope > 0 ? s.techniques_in_scope : s.techniques_declared;
  const seen = visibleFigures(s);
  const visible = seen.techniques === null ? 'not measured' : `${seen.techniques} (${pct(seen.techniques, scope)})`;
  out.push(
    s.techniques_in_scope > 0
      ? `Threat-focus techniques ${s.techniques_in_scope}: declared ${s.techniques_declared} ` +
          `(${pct(s.techniques_declared, scope)}), visible ${visible}, validated ${s.techniques_validated}, ` +
          `benign-tested ${s.techniques_benign_tested}`
      : `Techniques declared by the rules ${s.techniques_declared}: visible ${visible}, validated ` +
          `${s.techniques_validated}, benign-tested ${s.techniques_benign_tested}`,
  );
  if (!seen.measured)
    out.push(
      'Visibility not measured: no reached target proved a log source collected (join a scan with --report ' +
        '<report.json>).',
    );
  else out.push(`Rules blind (their logs are not collected): ${s.rules_blind}`);
  if (d.web_facing)
    out.push(
      `OWASP Top 10 ${d.owasp_primary}: declared ${s.owasp_declared}/${s.owasp_total}, visible ` +
        `${seen.owasp === null ? 'not measured' : `${seen.owasp}/${s.owasp_total}`}`,
    );
  else out.push('OWASP Top 10: nothing web-facing in scope (not counted)');
  out.push('', 'Tactic                 declared  visible  techniques');
  for (const c of d.matrix) {
    const declared = c.techniques.filter((t) => t.grade !== 'none').length;
    out.push(
      `  ${c.name.padEnd(22)} ${String(declared).padStart(6)}  ${String(c.covered).padStart(7)}  ` +
        `${String(c.total).padStart(10)}`,
    );
  }
  if (d.blind_sources.length) {
    out.push('', 'Blind log sources:');
    for (const b of d.blind_sources.slice(0, 10)) out.push(`  - ${b.explain.en} [${b.rules} rules]`);
  }
  if (d.blind_rules?.length) {
    out.push('', 'SIEM rules searching where no events arrive (blind, not counted):');
    for (const b of d.blind_rules.slice(0, 10)) out.push(`  - ${b.explain.en}`);
  }
  if (d.threat_focus.length) {
    out.push('', 'Threat focus:');
    for (const f of d.threat_focus)
      out.push(
        `  - ${f.name} (${f.id}): ${Math.round(f.covered_ratio * 100)}% of ${f.techniques} techniques ` +
          'visible or better',
      );
  }
  if (d.gaps.length) {
    out.push('', 'Top gaps:');
    for (const g of d.gaps.slice(0, 10))
      out.push(`  ${g.priority.toFixed(1).padStart(5)}  ${g.technique} ${g.name} [${g.grade}] — ${g.reasons.en}`);
  }
  if (d.resolutions.length) {
    out.push('', 'Outdated ATT&CK IDs in rules:');
    for (const r of d.resolutions.slice(0, 10))
      out.push(`  - ${r.from} → ${r.to ?? '(none)'} [${r.status}] in ${r.rules} rule(s)`);
  }
  if (res.problems.length) {
    out.push('', `Problems (${res.problems.length}):`);
    for (const p of res.problems.slice(0, 20))
      out.push(`  - ${p.error.startsWith(p.path) ? p.error : `${p.path}: ${p.error}`}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function runCoverage(o: CoverageCliOptions): Promise<number> {
  if (o.format !== 'json' && o.format !== 'text') throw new InputError('--format', 'must be json or text');
  if (o.owasp !== '2021' && o.owasp !== '2025') throw new InputError('--owasp', 'must be 2021 or 2025');
  const inputs = readInputs(o);
  if (inputs.rulePaths.length === 0)
    throw new InputError('--rules', 'no rule paths: give --rules <paths...> or an inventory with rules');
  const progress = process.stderr.isTTY && !process.env.CI;
  const ruleSet = await loadRules(
    inputs.rulePaths,
    progress ? { onFile: (n, t) => n % 200 === 0 && process.stderr.write(`\rreading rules ${n}/${t}`) } : {},
  );
  if (progress) process.stderr.write('\r\x1b[K');
  if (ruleSet.files === 0)
    throw new InputError(
      inputs.rulePaths.join(', '),
      `no rule files found${ruleSet.problems[0] ? ` (${ruleSet.problems[0].error})` : ''}`,
    );
  let catalog: ReturnType<typeof loadAttackCatalog>;
  try {
    catalog = loadAttackCatalog(o.attackCatalog ? { path: o.attackCatalog } : {});
  } catch (e) {
    throw new InputError(o.attackCatalog ?? 'ATT&CK catalog', (e as Error).message);
  }
  if ((o.sourceLayer || o.dettectDataSources) && !inputs.sources) {
    throw new InputError(
      o.report ?? '--report',
      'the source-class exports need a report with a source map (analyses.sources): give --report ' +
        '<report.json> of a scan',
    );
  }
  const res = computeCoverage(ruleSet, catalog, {
    findings: inputs.findings,
    validations: inputs.validations,
    threatFocus: inputs.threatFocus,
    owaspEdition: o.owasp,
    // The report's source map: a rule counts as visible only where its log-source class is measured, as in the scan.
    ...(inputs.sources ? { sourceClasses: sourceClassGates(inputs.sources) } : {}),
  });
  if (o.navigator) writeOutputFile(o.navigator, `${JSON.stringify(navigatorLayer(res.details), null, 2)}\n`);
  if (o.dettect)
    writeOutputFile(o.dettect, dettectTechniques(res.details, { date: new Date().toISOString().slice(0, 10) }));
  if (o.sourceLayer && inputs.sources)
    writeOutputFile(
      o.sourceLayer,
      `${JSON.stringify(sourceClassLayer(inputs.sources, shippedSourceCatalog(), catalog.index.catalog), null, 2)}\n`,
    );
  if (o.dettectDataSources && inputs.sources) {
    writeOutputFile(
      o.dettectDataSources,
      dettectDataSources(inputs.sources, shippedSourceCatalog(), { date: new Date().toISOString().slice(0, 10) }),
    );
  }
  if (o.format === 'json') process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
  else printText(res, catalog.origin);
  return 0;
}

function fail(e: unknown): number {
  if (e instanceof InputError) {
    process.stderr.write(`socready: ${terminalSafe(e.message)}\n`);
    return 2;
  }
  process.stderr.write(`socready: internal error: ${(e as Error).stack ?? String(e)}\n`);
  return 3;
}

export function register(program: Command): void {
  program
    .command('coverage')
    .description(
      'Detection coverage mapped to MITRE ATT&CK and OWASP Top 10; counted as visible only where a scan ' +
        'found the logs collected',
    )
    .option(
      '--rules <paths...>',
      'rule files or folders (Sigma, Elastic TOML, Splunk YAML / savedsearches.conf, ModSecurity/CRS .conf)',
    )
    .option('--inventory <file>', 'inventory: its rules and threat_focus')
    .option('--report <report.json>', 'a socready report: join the rules with its findings')
    .option('--navigator <out.json>', 'write an ATT&CK Navigator layer (format 4.5)')
    .option('--dettect <out.yaml>', 'write a DeTT&CT technique administration file')
    .option(
      '--source-layer <out.json>',
      'with --report: write a Navigator layer of ATT&CK visibility by log-source class (the source map)',
    )
    .option(
      '--dettect-data-sources <out.yaml>',
      'with --report: write a DeTT&CT data-source administration file from the source map',
    )
    .option('--threat <ids...>', 'ATT&CK groups (G0016, APT29) or techniques whose coverage matters most')
    .option('--attack-catalog <file>', 'ATT&CK STIX bundle (.json/.json.gz) or compact catalog to use')
    .option('--owasp <edition>', 'OWASP Top 10 edition for the summary: 2021 or 2025', '2025')
    .option('--format <format>', 'json or text', 'text')
    .action(async (o: CoverageCliOptions) => {
      try {
        process.exitCode = await runCoverage(o);
      } catch (e) {
        process.exitCode = fail(e);
      }
    });

  const attack = program.command('attack').description('The MITRE ATT&CK catalog socready uses');
  attack
    .command('update')
    .description(`download MITRE's official Enterprise ATT&CK bundle into the cache (${OFFICIAL_BUNDLE_URL})`)
    .option('--url <url>', 'bundle URL', OFFICIAL_BUNDLE_URL)
    .option('--cache-dir <dir>', 'cache folder (default: $SOCREADY_CACHE_DIR/attack or ~/.cache/socready/attack)')
    .action(async (o: { url: string; cacheDir?: string }) => {
      try {
        const r = await updateAttackCache({ url: o.url, cacheDir: o.cacheDir });
        if (r.status === 'updated') {
          process.stdout.write(
            `Updated: ATT&CK ${r.attack_version}, ${r.techniques} techniques, ${r.bytes} bytes → ${r.path}\n`,
          );
          process.exitCode = 0;
        } else if (r.status === 'offline') {
          process.stdout.write(
            `Offline: could not reach ${r.url} (${r.reason}). Nothing changed; coverage keeps using the ` +
              'cached or shipped catalog.\n',
          );
          process.exitCode = 1;
        } else {
          process.stderr.write(
            `socready: ${r.url} did not hold a usable ATT&CK bundle: ${r.reason}. Nothing changed.\n`,
          );
          process.exitCode = 1;
        }
      } catch (e) {
        process.exitCode = fail(e);
      }
    });
  attack
    .command('info')
    .description('which ATT&CK catalog coverage uses, and what it holds')
    .option('--attack-catalog <file>', 'catalog or bundle to inspect')
    .action((o: { attackCatalog?: string }) => {
      try {
        const c = loadAttackCatalog(o.attackCatalog ? { path: o.attackCatalog } : {});
        const cat = c.index.catalog;
        process.stdout.write(
          `ATT&CK ${cat.attack_version} (${c.origin}: ${c.path})\n${cat.tactics.length} tactics, ` +
            `${c.index.live().length} live techniques, ${cat.techniques.length - c.index.live().length} ` +
            `revoked or deprecated, ${cat.data_components.length} data components, ${cat.groups.length} ` +
            'groups\n',
        );
      } catch (e) {
        process.exitCode = fail(
          e instanceof InputError ? e : new InputError(o.attackCatalog ?? 'catalog', (e as Error).message),
        );
      }
    });
}
