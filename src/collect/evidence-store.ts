import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ProbeDef } from '../checks/types.js';
import type { Evidence } from '../model.js';
import { keptOutput } from '../parsers/evidence-kept.js';
import type { ProbeResult } from '../transport/types.js';
import { ensureOutputDir, writeOutputFile } from '../util/output-file.js';
import { redact } from '../util/redact.js';

/**
 * A file or folder name for an id: readable, never `.`/`..` or a path, and distinct for distinct ids (a short hash is
 * added whenever the readable form had to change the id).
 */
export function safeName(s: string): string {
  const readable = s
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^[.]+/, '_')
    .slice(0, 80);
  if (readable === s) return readable;
  return `${readable}-${createHash('sha256').update(s).digest('hex').slice(0, 8)}`;
}

/** Writes each probe's output, redacted, beside report.json and returns the evidence record that points at it. */
export class EvidenceStore {
  constructor(private readonly runDir: string | undefined) {}

  record(targetId: string, probe: ProbeDef, what: string, result: ProbeResult, startedAt: Date): Evidence {
    const id = `${targetId}/${probe.id}`;
    const body = keptOutput(probe.id, result) + (result.stderr ? `\n--- stderr ---\n${result.stderr}` : '');
    const { text, count } = redact(body);
    const evidence: Evidence = {
      id,
      target: targetId,
      probe: probe.id,
      // A live probe is something sent over the network: recorded as http, like the requests it makes.
      // A database query is run as the client's command on the database's host.
      kind: probe.kind === 'live' ? 'http' : probe.kind === 'query' ? 'command' : probe.kind,
      what: redact(what).text,
      exit_code: result.exitCode,
      started_at: startedAt.toISOString(),
      duration_ms: result.durationMs,
      bytes: Buffer.byteLength(result.stdout),
      truncated: result.truncated,
      redactions: count,
    };
    if (probe.sudo) evidence.sudo = true;
    if (result.error) evidence.error = { kind: result.error.kind, message: redact(result.error.message).text };
    if (this.runDir && body) {
      const rel = join('evidence', safeName(targetId), `${safeName(probe.id)}.txt`);
      ensureOutputDir(join(this.runDir, 'evidence', safeName(targetId)), 0o750);
      writeOutputFile(join(this.runDir, rel), text, { mode: 0o600, durable: false });
      evidence.file = rel;
    }
    return evidence;
  }
}
