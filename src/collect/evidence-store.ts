import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evidence } from '../model.js';
import type { ProbeDef } from '../checks/types.js';
import type { ProbeResult } from '../transport/types.js';
import { redact } from './redact.js';

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
}

/** Writes each probe's output, redacted, beside report.json and returns the evidence record that points at it. */
export class EvidenceStore {
  constructor(private readonly runDir: string | undefined) {}

  record(targetId: string, probe: ProbeDef, what: string, result: ProbeResult, startedAt: Date): Evidence {
    const id = `${targetId}/${probe.id}`;
    const body = result.stdout + (result.stderr ? `\n--- stderr ---\n${result.stderr}` : '');
    const { text, count } = redact(body);
    const evidence: Evidence = {
      id,
      target: targetId,
      probe: probe.id,
      kind: probe.kind,
      what: redact(what).text,
      exit_code: result.exitCode,
      started_at: startedAt.toISOString(),
      duration_ms: result.durationMs,
      bytes: Buffer.byteLength(result.stdout),
      truncated: result.truncated,
      redactions: count,
    };
    if (probe.sudo) evidence.sudo = true;
    if (result.error) evidence.error = result.error;
    if (this.runDir && body) {
      const rel = join('evidence', safeName(targetId), `${safeName(probe.id)}.txt`);
      mkdirSync(join(this.runDir, 'evidence', safeName(targetId)), { recursive: true });
      writeFileSync(join(this.runDir, rel), text, { mode: 0o600 });
      evidence.file = rel;
    }
    return evidence;
  }
}
