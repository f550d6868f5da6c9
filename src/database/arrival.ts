// The database canary past the server's own log: once the marked query (or failed login) is written on the host, it
// is followed to the collector the host forwards to and, when the host names one, into the SIEM. The arrival
// machinery is the host canary's (src/collect/host-canary.ts): the same bounded tails of the collector's files, the
// same read-only SIEM search through the SIEM's API source, the same backoff. Only the planting differs: the
// database wrote the record, so nothing is sent here. A Windows host's records (SQL Server auditing to the
// Application or Security log) are forwarded by WEF: the collector is then a Windows Event Collector, read with the
// Windows host canary's own read of its forwarded-events logs (collectorCommand: pwsh-canary.ts eventLogTailScript).
import { tailCommand } from '../collect/host-canary.js';
import type { SiemSearchAnswer } from '../collect/siem-search.js';
import type { DbArrival } from '../parsers/database/canary.js';
import type { Transport } from '../transport/types.js';
import { splitSections } from '../util/file-sections.js';

/** Where the database's host forwards to (its inventory `syslog`), with transports opened by the caller. */
export interface DbArrivalPlan {
  collectorId: string;
  collectorPaths: string[];
  collector?: Transport;
  collectorSudo?: boolean;
  /** How the collector is read when not by tails of its paths (a Windows Event Collector's event logs). */
  collectorCommand?: string;
  siem?: { id: string; search(marker: string): Promise<SiemSearchAnswer> };
  maxWaitMs: number;
  pollMs?: number;
  maxPollMs?: number;
  now?: () => number;
}

/**
 * The line holding the marker (not followed by a word character: a longer marker is another run's) and its file. A
 * long line (a forwarded event 33205 carries the statement late in its message) keeps its start and the marker.
 */
export function markerLine(output: string, marker: string): { where: string; line: string } | undefined {
  const re = new RegExp(`${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
  for (const f of splitSections(output).files) {
    const line = f.text.split('\n').find((l) => re.test(l));
    if (line === undefined) continue;
    const at = line.search(re);
    const kept =
      at + marker.length <= 400
        ? line.slice(0, 400)
        : `${line.slice(0, 100)} … ${line.slice(at - 150, at + marker.length + 150)}`;
    return { where: f.path, line: kept.trimEnd() };
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Follows one marker to the collector, then into the SIEM; both bounded by the plan's wait from `sentAt`. */
export async function traceDbArrival(plan: DbArrivalPlan, marker: string, sentAt: number): Promise<DbArrival> {
  const now = plan.now ?? Date.now;
  const doc: DbArrival = {
    collector: plan.collectorId,
    collector_paths: plan.collectorPaths,
    arrived: false,
    reads: 0,
    errors: [],
    max_wait_ms: plan.maxWaitMs,
  };
  const deadline = sentAt + plan.maxWaitMs;
  let wait = plan.pollMs ?? 250;
  if (!plan.collector) doc.errors.push(`collector ${plan.collectorId}: not reachable through any transport`);
  else if (plan.collectorPaths.length === 0) doc.errors.push(`collector ${plan.collectorId}: no collector.paths`);
  else {
    for (;;) {
      doc.reads++;
      const r = await plan.collector.run(plan.collectorCommand ?? tailCommand(plan.collectorPaths), {
        timeoutMs: 30_000,
        maxBytes: 4 * 1024 * 1024 * (plan.collectorPaths.length + 1),
        sudo: plan.collectorSudo ?? false,
      });
      if (r.error) {
        doc.errors.push(`collector ${plan.collectorId}: ${r.error.kind}: ${r.error.message}`);
        break;
      }
      const hit = markerLine(r.stdout, marker);
      if (hit) {
        Object.assign(doc, { arrived: true, where: hit.where, line: hit.line, latency_ms: now() - sentAt });
        break;
      }
      if (now() >= deadline) break;
      await sleep(Math.min(wait, Math.max(0, deadline - now())));
      wait = Math.min(wait * 2, plan.maxPollMs ?? 4000);
    }
  }
  if (plan.siem) doc.siem = await searchSiem(plan.siem, marker, sentAt, deadline, plan);
  return doc;
}

async function searchSiem(
  siem: NonNullable<DbArrivalPlan['siem']>,
  marker: string,
  sentAt: number,
  deadline: number,
  plan: DbArrivalPlan,
): Promise<NonNullable<DbArrival['siem']>> {
  const now = plan.now ?? Date.now;
  const out: NonNullable<DbArrival['siem']> = { target: siem.id, arrived: false, fields: [], searches: 0 };
  let wait = plan.pollMs ?? 250;
  for (;;) {
    out.searches++;
    const a = await siem.search(marker);
    if (!a.answered) out.error = a.error;
    else delete out.error;
    if (a.found) return { ...out, arrived: true, latency_ms: now() - sentAt, fields: a.fields };
    // A refused credential does not get better by asking again.
    if (/^(auth-failed|permission-denied)/.test(out.error ?? '') || now() >= deadline) return out;
    await sleep(Math.min(wait, Math.max(0, deadline - now())));
    wait = Math.min(wait * 2, plan.maxPollMs ?? 4000);
  }
}
