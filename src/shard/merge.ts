// `socready merge <reports...>`: the partial reports of `scan --shard i/n` joined into the report the unsharded scan
// would have written. Shards stop after evaluate, so merge puts the targets, findings and evidence back in plan order
// and then runs analyse -> score once over the whole estate (the source map, blind-spot map, coverage, sample
// detections and the score all read every target's findings: none of them is concatenated from the shards).
import { copyFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type AnalyseOptions, completeReport } from '../analyse.js';
import type { Evidence, Finding, Report, ShardInfo, TargetResult } from '../model.js';
import { withCheckText } from '../report/check-text.js';
import { readReport } from '../report/validate.js';
import { evidenceHostsTitle, newRunId, siemRules, webSection } from '../scan.js';
import { ensureOutputDir, writeOutputFile } from '../util/output-file.js';
import { fsReason } from '../util/input-file.js';
import { InputError } from '../util/validate.js';
import type { WebDetails } from '../web/web-facts.js';
import { jsonFilePieces } from '../util/write-json.js';
import { VERSION } from '../version.js';

export interface MergeOptions extends AnalyseOptions {
  /** Shard reports: report.json files or the run folders that hold them. */
  reports: string[];
  /** Digest of the inventory merge was given (src/shard/digest.ts): the shards must have scanned the same one. */
  inventoryDigest: string;
  now?: () => Date;
}

interface Shard {
  file: string;
  report: Report;
  info: ShardInfo;
}

function reportFile(path: string): string {
  try {
    return statSync(path).isDirectory() ? join(path, 'report.json') : path;
  } catch {
    return path;
  }
}

function readShard(path: string): Shard {
  const file = reportFile(path);
  const report = readReport(file);
  const info = report.run.shard;
  if (!info)
    throw new InputError(file, 'not a shard report (it has no run.shard): merge joins the reports of scan --shard i/n');
  const { blocks } = info;
  const sum = (k: 'findings' | 'evidence') => blocks.reduce((n, b) => n + b[k], 0);
  if (blocks.length !== report.targets.length || sum('findings') !== report.findings.length) {
    throw new InputError(file, 'damaged shard report: run.shard.blocks does not match its targets and findings');
  }
  if (sum('evidence') !== report.evidence.length)
    throw new InputError(file, 'damaged shard report: run.shard.blocks does not match its evidence');
  return { file, report, info };
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

interface Block {
  position: number;
  shard: Shard;
  target: TargetResult;
  findings: Finding[];
  evidence: Evidence[];
}

/** Each shard's targets with their own findings and evidence, back in the estate's plan order. */
function blocksInPlanOrder(shards: Shard[]): Block[] {
  const blocks: Block[] = [];
  for (const shard of shards) {
    let f = 0;
    let e = 0;
    shard.info.blocks.forEach((b, i) => {
      blocks.push({
        position: b.position,
        shard,
        target: shard.report.targets[i]!,
        findings: shard.report.findings.slice(f, f + b.findings),
        evidence: shard.report.evidence.slice(e, e + b.evidence),
      });
      f += b.findings;
      e += b.evidence;
    });
  }
  blocks.sort((a, b) => a.position - b.position);
  const size = shards[0]!.info.plan_size;
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
function copyEvidence(block: Block, runDir: string): void {
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

/** analyse -> score -> report.json over the joined shards; the caller renders and gates as scan does. */
export async function runMerge(opts: MergeOptions): Promise<{ report: Report; runDir: string }> {
  const shards = opts.reports.map((p) => readShard(resolve(p))).sort((a, b) => a.info.index - b.info.index);
  checkShards(shards, opts.inventoryDigest);
  const blocks = blocksInPlanOrder(shards);
  const first = shards[0]!.report;
  const info = shards[0]!.info;
  const now = opts.now ?? (() => new Date());
  const started = now();
  const runId = newRunId(started);
  const runDir = resolve(opts.outDir, runId);
  ensureOutputDir(runDir, 0o750);
  opts.progress?.start(blocks.length);
  for (const b of blocks) copyEvidence(b, runDir);
  const web = new Map<string, WebDetails>();
  for (const s of shards) {
    for (const d of (s.report.analyses.web?.details ?? []) as WebDetails[]) web.set(d.target, d);
  }
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
  await completeReport(report, { ...opts, hostsOnly: info.hosts_only, ...siemRules(report, runDir) });
  report.run.finished_at = now().toISOString();
  writeOutputFile(join(runDir, 'report.json'), jsonFilePieces(withCheckText(report)), { mode: 0o640 });
  return { report, runDir };
}
