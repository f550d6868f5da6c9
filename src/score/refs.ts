// Evidence references that tie a maturity criterion to what was seen. Renderers link these to report sections:
//   finding:<check>@<target>          one finding (check id and target id)
//   analysis:<name>.summary.<field>   one figure of an analysis summary (coverage, detections, playbooks, web)
//   questionnaire:<question id>       one attested answer
import type { Finding } from '../model.js';

export function findingRef(f: Pick<Finding, 'check' | 'target'>): string {
  return `finding:${f.check}@${f.target}`;
}

export function analysisRef(
  analysis: 'coverage' | 'detections' | 'playbooks' | 'web' | 'sources',
  field: string,
): string {
  return `analysis:${analysis}.summary.${field}`;
}

export function questionnaireRef(id: string): string {
  return `questionnaire:${id}`;
}

/** Splits a ref back into its kind and parts, for renderers that link evidence. */
export function parseRef(
  ref: string,
):
  | { kind: 'finding'; check: string; target: string }
  | { kind: 'analysis'; path: string }
  | { kind: 'questionnaire'; id: string }
  | undefined {
  if (ref.startsWith('finding:')) {
    const body = ref.slice(8);
    const at = body.lastIndexOf('@');
    if (at <= 0) return undefined;
    return { kind: 'finding', check: body.slice(0, at), target: body.slice(at + 1) };
  }
  if (ref.startsWith('analysis:')) return { kind: 'analysis', path: ref.slice(9) };
  if (ref.startsWith('questionnaire:')) return { kind: 'questionnaire', id: ref.slice(14) };
  return undefined;
}
