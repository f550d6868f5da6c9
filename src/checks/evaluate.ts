import type { Finding, FindingStatus, TargetKind } from '../model.js';
import type { ProbeResult } from '../transport/types.js';
import { evaluate, getFact } from './condition.js';
import { explicitDecisive, genericDecisive, genericExplanation } from './explain.js';
import { redact, redactFinding } from '../util/redact.js';
import { PARSERS } from '../parsers/index.js';
import { keptOutput } from '../parsers/evidence-kept.js';
import {
  type CheckDef,
  type Facts,
  InconclusiveError,
  ParseError,
  type Parser,
  type ParserContext,
  PLACEHOLDER,
  type ProbeDef,
} from './types.js';

export interface EvaluateContext {
  targetId: string;
  kind: TargetKind;
  offline?: boolean;
  /** Parsers to use (a catalog's `parsers`); default: the registered ones. */
  parsers?: ReadonlyMap<string, { parse: Parser }>;
  /**
   * Evidence ids by probe id (several for a live probe sent to several URLs), so findings point at what decided them.
   */
  evidenceIds?: Record<string, string | string[]>;
  /** The catalog's probes: a decisive line read from a probe's output names that probe's file or command. */
  probes?: ReadonlyMap<string, ProbeDef>;
}

const EXCERPT_CHARS = 600;

/**
 * Errors that say nothing about the host's configuration, only that we could not ask: any of them on a needed probe
 * makes the check inconclusive. Other errors (not-found, permission-denied, sudo-password-required, offline,
 * unsupported) reach the parser as data on that probe's output, so a parser with a fallback (sshd -T, else
 * sshd_config) can still decide; a parser that cannot must throw InconclusiveError with the reason.
 */
const ACCESS_ERRORS = new Set(['permission-denied', 'sudo-password-required']);
const HOST_LEVEL_ERRORS = new Set([
  'unreachable',
  'host-key-unknown',
  'host-key-mismatch',
  'auth-failed',
  'timeout',
  'config',
  'other',
]);

function baseFinding(check: CheckDef, ctx: EvaluateContext, status: FindingStatus): Finding {
  return {
    check: check.id,
    target: ctx.targetId,
    status,
    area: check.area,
    severity: check.severity,
    weight: check.weight,
    title: check.title,
    ...(check.fail_title ? { fail_title: check.fail_title } : {}),
    rationale: check.rationale,
    remediation: check.remediation,
    evidence: check.probes.flatMap((p) => ctx.evidenceIds?.[p] ?? []),
    maps: check.maps,
    ...(check.provides && (status === 'pass' || !check.provides_on_pass_only) ? { provides: check.provides } : {}),
  };
}

function excerptOf(check: CheckDef, outputs: Record<string, ProbeResult>): string | undefined {
  const text = check.probes
    .map((p) => {
      const out = outputs[p];
      return out?.stdout ? keptOutput(p, out).trim() : undefined;
    })
    .filter(Boolean)
    .join('\n---\n');
  if (!text) return undefined;
  // Redact before cutting: a secret cut short no longer matches its pattern.
  const safe = redact(text).text;
  return safe.length > EXCERPT_CHARS ? `${safe.slice(0, EXCERPT_CHARS)}…` : safe;
}

function observedFacts(facts: Facts, paths: Set<string>): Record<string, unknown> {
  const observed: Record<string, unknown> = {};
  for (const p of paths) {
    let v = getFact(facts, p);
    // Long lists are summarised: the report needs what was seen, not every parsed rule.
    if (Array.isArray(v) && v.length > 20) v = { count: v.length, first: v.slice(0, 20) };
    observed[p] = v === undefined ? null : v;
  }
  return observed;
}

/** A fact as words in an observed/expected text. */
function factText(v: unknown): string {
  if (v === undefined || v === null || v === '') return 'not set';
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(factText).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function fill(text: string, facts: Facts): string {
  return text.replace(PLACEHOLDER, (_, path: string) => factText(getFact(facts, path)));
}

/** The check's observed/expected words and the source lines that decided, from the facts (src/checks/explain.ts). */
function explained_(
  check: CheckDef,
  facts: Facts,
  outputs: Record<string, ProbeResult>,
  probes?: ReadonlyMap<string, ProbeDef>,
): Pick<Finding, 'explanation' | 'decisive'> {
  const out: Pick<Finding, 'explanation' | 'decisive'> = {};
  if (check.explain_text) {
    const { observed, expected } = check.explain_text;
    out.explanation = {
      observed: { en: fill(observed.en, facts), ja: fill(observed.ja, facts) },
      expected: { en: fill(expected.en, facts), ja: fill(expected.ja, facts) },
    };
  } else out.explanation = genericExplanation(check, facts);
  // The check's own decisive paths first; a directive that is absent has no line, and then the generic lines say so.
  const own = check.decisive ? explicitDecisive(check.decisive, facts, probes) : [];
  const named = own.length > 0 ? own : genericDecisive(check, facts, outputs, probes);
  if (named.length > 0) out.decisive = named;
  return out;
}

/** Memoises parser runs per target: many checks share a parser and its probes. */
export type FactsCache = Map<string, Facts | Error>;

function runParser(
  check: CheckDef,
  outputs: Record<string, ProbeResult>,
  ctx: ParserContext,
  cache?: FactsCache,
  parsers?: EvaluateContext['parsers'],
): Facts {
  const key = `${check.parser}\u0000${check.probes.join(',')}`;
  const hit = cache?.get(key);
  if (hit instanceof Error) throw hit;
  if (hit) return hit;
  const parser = parsers?.get(check.parser)?.parse ?? PARSERS[check.parser];
  if (!parser) throw new ParseError(`unknown parser "${check.parser}"`);
  const subset: Record<string, ProbeResult> = {};
  for (const p of check.probes) if (outputs[p]) subset[p] = outputs[p];
  try {
    const facts = parser(subset, ctx);
    cache?.set(key, facts);
    return facts;
  } catch (e) {
    cache?.set(key, e as Error);
    throw e;
  }
}

/**
 * Decides one check on one target from its probe outputs:
 * a host-level transport error on a needed probe (or every probe failed) or InconclusiveError -> inconclusive;
 * ParseError or a bug -> error;
 * applies_if false -> not-applicable; condition true -> pass; warn_if true -> warn; else fail.
 */
export function evaluateCheck(
  check: CheckDef,
  outputs: Record<string, ProbeResult>,
  ctx: EvaluateContext,
  cache?: FactsCache,
): Finding {
  // Every finding of every path leaves the evaluator redacted: this is the one place findings are redacted.
  return redactFinding(decide(check, outputs, ctx, cache));
}

function decide(
  check: CheckDef,
  outputs: Record<string, ProbeResult>,
  ctx: EvaluateContext,
  cache?: FactsCache,
): Finding {
  const errored = check.probes.map((p) => [p, outputs[p]] as const).filter(([, r]) => !r || r.error);
  const hostLevel = errored.find(([, r]) => !r || HOST_LEVEL_ERRORS.has(r.error!.kind));
  // A missing file is an answer (the parser reads "not configured"); every probe failing for any other reason is not.
  const unanswered = errored.filter(([, r]) => !r || r.error!.kind !== 'not-found');
  if (hostLevel || (check.probes.length > 0 && unanswered.length === check.probes.length)) {
    const [probe, result] = hostLevel ?? unanswered[0]!;
    const why = result?.error ? `${result.error.kind}: ${result.error.message}` : 'not collected';
    return { ...baseFinding(check, ctx, 'inconclusive'), reason: `${probe}: ${why}` };
  }
  let facts: Facts;
  try {
    facts = runParser(
      check,
      outputs,
      { targetId: ctx.targetId, kind: ctx.kind, offline: ctx.offline },
      cache,
      ctx.parsers,
    );
  } catch (e) {
    if (e instanceof InconclusiveError) return { ...baseFinding(check, ctx, 'inconclusive'), reason: e.message };
    const message = e instanceof ParseError ? e.message : `parser ${check.parser} failed: ${(e as Error).message}`;
    return { ...baseFinding(check, ctx, 'error'), reason: message, excerpt: excerptOf(check, outputs) };
  }
  const seen = new Set<string>();
  try {
    if (check.applies_if && !evaluate(check.applies_if, facts, seen)) {
      const observed = observedFacts(facts, seen);
      // The true reason is what the target showed: the facts the check's applies_if read, as they were.
      const shown = Object.entries(observed).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
      return { ...baseFinding(check, ctx, 'not-applicable'), reason: `does not apply: ${shown.join(', ')}`, observed };
    }
    const passed = evaluate(check.condition, facts, seen);
    const status: FindingStatus = passed
      ? 'pass'
      : check.inconclusive_if && evaluate(check.inconclusive_if, facts, seen)
        ? 'inconclusive'
        : check.warn_if && evaluate(check.warn_if, facts, seen)
          ? 'warn'
          : 'fail';
    const explained = check.explain !== undefined ? getFact(facts, check.explain) : undefined;
    const reason = typeof explained === 'string' && explained !== '' ? { reason: explained } : {};
    // A failure decided while part of the evidence was unreadable is not trustworthy: say what could not be read.
    const blocked = errored.find(([, r]) => r?.error && ACCESS_ERRORS.has(r.error.kind));
    if (status !== 'pass' && blocked) {
      return {
        ...baseFinding(check, ctx, 'inconclusive'),
        reason: `${blocked[0]}: ${blocked[1]!.error!.kind}: ${blocked[1]!.error!.message}`,
        observed: observedFacts(facts, seen),
      };
    }
    return {
      ...baseFinding(check, ctx, status),
      ...reason,
      observed: observedFacts(facts, seen),
      ...explained_(check, facts, outputs, ctx.probes),
      excerpt: excerptOf(check, outputs),
    };
  } catch (e) {
    return { ...baseFinding(check, ctx, 'error'), reason: `condition failed: ${(e as Error).message}` };
  }
}
