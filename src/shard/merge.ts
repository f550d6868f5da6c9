// `socready merge <reports...>`: the partial reports of `scan --shard i/n` joined into the report the unsharded scan
// would have written. Shards stop after evaluate, so merge puts the targets, findings and evidence back in plan order
// and then runs analyse -> score once over the whole estate (the source map, blind-spot map, coverage, sample
// detections and the score all read every target's findings: none of them is concatenated from the shards).
// Memory does not grow with the shard count: the shards are first checked by their headers (tool and run, read
// without the rest), then read whole one at a time, each target's findings and evidence going to the run's spill file
// (src/collect/spill.ts) as a scan's do; report.json is written from the spill.
import { copyFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type AnalyseOptions, completeReport } from '../analyse.js';
import type { TargetSpill } from '../collect/spill.js';
import type { Evidence, Finding, Report, ShardInfo, TargetResult } from '../model.js';
import { withCheckText } from '../report/check-text.js';
import { readReport, REPORT_SCHEMA } from '../report/validate.js';
import { evidenceHostsTitle, newRunId, runSpill, siemRules, webSection } from '../scan.js';
import { ensureOutputDir, writeOutputFile } from '../util/output-file.js';
import { fsReason, INPUT_LIMITS } from '../util/input-file.js';
import { readJsonObjectStreamed } from '../util/read-json-streamed.js';
import { compileSchema, InputError, validateValue } from '../util/validate.js';
import type { WebDetails } from '../web/web-facts.js';
import { jsonFilePieces } from '../util/write-json.js';
import { VERSION } from '../version.js';

export interface MergeOptions extends AnalyseOptions {
  /** Shard reports: report.json files or the run folders that hold them. */
  reports: string[];
  /** Digest of the inventory merge was given (src/shard/digest.ts): the shards must have scanned the same one. */
  inventoryDigest: string;
  now?: () => Date;
  /** Return the report with slim findings and without spilled evidence (no HTML or PDF to render): bounded memory. */
  slimReport?: boolean;
}

/** What merge knows of a shard before reading it whole: its file, header and shard record. */
interface Shard {
  file: string;
  report: Pick<Report, 'tool' | 'run'>;
  info: ShardInfo;
}

function reportFile(path: string): string {
  try {
    return statSync(path).isDirectory() ? join(path, 'report.json') : path;
  } catch {
    return path;
  }
}

/** The report schema of the header alone (tool and run), for a shard read only that far. */
const HEADER_SCHEMA = (() => {
  const full = REPORT_SCHEMA as { definitions: object; properties: Record<string, object> };
  return {
    definitions: full.definitions,
    type: 'object',
    required: ['tool', 'run'],
    properties: { tool: full.properties.tool, run: full.properties.run },
  };
})();

/** A shard's header: the tool and run fields before its targets, read without the rest of the file. */
function readShardHeader(path: string): Shard {
  const file = reportFile(path);
  const head = readJsonObjectStreamed(file, {
    maxBytes: INPUT_LIMITS.reportBytes,
    maxValueBytes: INPUT_LIMITS.jsonBytes,
    only: ['tool', 'run'],
  });
  const report = validateValue<Pick<Report, 'tool' | 'run'>>(head, compileSchema(HEADER_SCHEMA), file);
  const info = report.run.shard;
  if (!info)
    throw new InputError(file, 'not a shard report (it has no run.shard): merge joins the reports of scan --shard i/n');
  return { file, report, info };
}

/** A shard read whole (validated), checked against its header and its own block counts. */
function readShard(head: Shard): Report {
  const { file } = head;
  const report = readReport(file);
  if (JSON.stringify(report.run) !== JSON.stringify(head.report.run))
    throw new InputError(file, 'the shard report changed while merge read it');
  const { blocks } = head.info;
  const sum = (k: 'findings' | 'evidence') => blocks.reduce((n, b) => n + b[k], 0);
  if (blocks.length !== report.targets.length || sum('findings') !== report.findings.length) {
    throw new InputError(file, 'damaged shard report: run.shard.blocks does not match its targets and findings');
  }
  if (sum('evidence') !== report.evidence.length)
    throw new InputError(file, 'damaged shard report: run.shard.blocks does not match its evidence');
  return report;
}

const label = (s: Shard) => `shard ${s.info.index}/${s.info.count} (${s.file})`;

/** Every way two shards of one scan must agree, as [what, value]; the first difference is the error. */
function identity(s: Shard): [string, string][] {
  return [
    ['socready version', s.report.tool.version],
    ['inventory', s.info.inventory_digest],
    ['check catalog', s.info.catalog_digest],
    ['shard count', String(s.info.count)],
    ['target list (inventory targets or evidence files)', `${s.info.plan_digest} (${s.info.plan_size} targets)`],
    ['mode', s.report.run.mode],
    ['scan options', JSON.stringify(s.report.run.options)],
    ['--hosts-only', String(s.info.hosts_only)],
    ['organisation title', String(s.info.title_from_evidence)],
  ];
}

/** Refuses shards of different scans, and names duplicate and missing shards. */
export function checkShards(shards: Shard[], inventoryDigest: string): void {
  if (shards.length === 0) throw new InputError('(command line)', 'merge needs at least one shard report');
  const first = shards[0]!;
  const ref = identity(first);
  for (const s of shards) {
    if (s.report.tool.version !== VERSION) {
      throw new InputError(
        s.file,
        `${label(s)} was written by socready ${s.report.tool.version}; this is socready ${VERSION}: ` +
          'merge with the version that scanned',
      );
    }
    if (s.info.inventory_digest !== inventoryDigest) {
      throw new InputError(
        s.file,
        `${label(s)} scanned a different inventory than the one given to merge (-i): ` +
          'give merge the inventory file the shards scanned',
      );
    }
    identity(s).forEach(([what, value], i) => {
      if (value !== ref[i]![1])
        throw new InputError(s.file, `${label(s)} and ${label(first)} come from different scans: their ${what} differ`);
    });
  }
  const byIndex = new Map<number, Shard>();
  for (const s of shards) {
    const seen = byIndex.get(s.info.index);
    if (seen)
      throw new InputError(s.file, `duplicate shard ${s.info.index}/${s.info.count}: also given as ${seen.file}`);
    byIndex.set(s.info.index, s);
  }
  const count = first.info.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const names = missing.map((i) => `${i}/${count}`);
    const shown =
      names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ');
    throw new InputError(
      '(command line)',
      `missing shard${missing.length > 1 ? 's' : ''} ${shown}: merge needs all ${count}`,
    );
  }
}

/** One target of a shard, its findings slim and its evidence on disk once spilled (web targets stay whole). */
interface Block {
  position: number;
  shard: Shard;
  target: TargetResult;
  findings: Finding[];
  evidence: Evidence[];
}

/** The shards' blocks back in the estate's plan order, every position once. */
function inPlanOrder(blocks: Block[], size: number): Block[] {
  blocks.sort((a, b) => a.position - b.position);
  blocks.forEach((b, i) => {
    if (b.position !== i) {
      throw new InputError(
        b.shard.file,
        `${label(b.shard)}: target "${b.target.id}" is at plan position ${b.position}, expected ${i} ` +
          '(a target in two shards, or a shard that lost one)',
      );
    }
  });
  if (blocks.length !== size) {
    throw new InputError('(command line)', `the shards hold ${blocks.length} targets; the scan planned ${size}`);
  }
  return blocks;
}

const EVIDENCE_FILE = /^evidence\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/;

/** Copies a shard's stored evidence beside the merged report, under the same relative name. */
function copyEvidence(block: Pick<Block, 'shard' | 'evidence'>, runDir: string): void {
  for (const e of block.evidence) {
    if (!e.file) continue;
    if (!EVIDENCE_FILE.test(e.file) || e.file.split('/').some((p) => p === '.' || p === '..'))
      throw new InputError(block.shard.file, `evidence "${e.id}" names an unexpected file: ${e.file}`);
    const from = join(dirname(block.shard.file), e.file);
    const to = join(runDir, e.file);
    ensureOutputDir(dirname(to), 0o750);
    try {
      if (!statSync(from).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      copyFileSync(from, to);
    } catch (err) {
      throw new InputError(
        from,
        `evidence of ${label(block.shard)} cannot be read (${fsReason(err)}): give merge the whole run folder`,
      );
    }
  }
}

/**
 * Reads one shard whole and lets it go: its evidence files copied, each target's findings and evidence put in the
 * spill (slim findings kept), its web details kept for analyses.web.
 */
function takeShard(shard: Shard, runDir: string, spill: TargetSpill, web: Map<string, WebDetails>): Block[] {
  const report = readShard(shard);
  for (const d of (report.analyses.web?.details ?? []) as WebDetails[]) web.set(d.target, d);
  let f = 0;
  let e = 0;
  return shard.info.blocks.map((b, i) => {
    const target = report.targets[i]!;
    const findings = report.findings.slice(f, f + b.findings);
    const evidence = report.evidence.slice(e, e + b.evidence);
    f += b.findings;
    e += b.evidence;
    copyEvidence({ shard, evidence }, runDir);
    // As scan does: web targets stay whole (analyses.web reads their findings and evidence).
    const put = spill.put({ result: target, findings, evidence }, !web.has(target.id));
    return { position: b.position, shard, target, findings: put.findings, evidence: put.evidence };
  });
}

/** analyse -> score -> report.json over the joined shards; the caller renders and gates as scan does. */
export async function runMerge(opts: MergeOptions): Promise<{ report: Report; runDir: string }> {
  const shards = opts.reports.map((p) => readShardHeader(resolve(p))).sort((a, b) => a.info.index - b.info.index);
  checkShards(shards, opts.inventoryDigest);
  const first = shards[0]!.report;
  const info = shards[0]!.info;
  const now = opts.now ?? (() => new Date());
  const started = now();
  const runId = newRunId(started);
  const runDir = resolve(opts.outDir, runId);
  ensureOutputDir(runDir, 0o750);
  const spill = runSpill(runDir);
  try {
    opts.progress?.start(info.plan_size);
    const web = new Map<string, WebDetails>();
    const blocks = inPlanOrder(
      shards.flatMap((s) => takeShard(s, runDir, spill, web)),
      info.plan_size,
    );
    const targets = blocks.map((b) => b.target);
    const earliest = shards.map((s) => s.report.run.started_at).sort()[0]!;
    const report: Report = {
      schema_version: '1.0',
      tool: { name: 'socready', version: VERSION },
      run: {
        id: runId,
        started_at: earliest,
        finished_at: earliest,
        organization: info.title_from_evidence
          ? evidenceHostsTitle(targets.map((t) => t.id))
          : opts.inventory.organization,
        inventory: first.run.inventory,
        mode: first.run.mode,
        options: first.run.options,
      },
      targets,
      findings: blocks.flatMap((b) => b.findings),
      evidence: blocks.flatMap((b) => b.evidence),
      analyses: webSection(targets.flatMap((t) => (web.has(t.id) ? [web.get(t.id)!] : []))),
    };
    await completeReport(report, { ...opts, hostsOnly: info.hosts_only, ...siemRules(report, runDir, spill.kept) });
    report.run.finished_at = now().toISOString();
    writeOutputFile(join(runDir, 'report.json'), jsonFilePieces(withCheckText(spill.streamed(report))), {
      mode: 0o640,
    });
    return { report: opts.slimReport ? report : spill.hydrate(report), runDir };
  } finally {
    spill.dispose();
  }
}
