// Reads pySigma backends' Python test files (../shared/sigma-backends) into (rule YAML, expected queries) pairs at test
// time: each `def test_...` with a triple-quoted rule and an `== [...]` list of Python string literals.
import { readFileSync } from 'node:fs';

export interface Vector {
  file: string;
  name: string;
  yaml?: string;
  expected?: string[];
  /** The test expects the backend to refuse the rule. */
  expectsError?: boolean;
  /** Why the vector is not a bare rule -> query pair (pipelines, other output formats), when it is not. */
  notApplicable?: string;
}

/**
 * One Python string literal at s[i] (prefixes r/b/f, single/triple quotes); returns its value and the index after it.
 */
function pyString(s: string, i: number): { value: string; end: number } | null {
  const m = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(s.slice(i));
  if (!m) return null;
  const raw = m[1]!.toLowerCase().includes('r');
  const q = m[2]!;
  let k = i + m[0].length;
  let out = '';
  while (k < s.length) {
    if (s.startsWith(q, k)) return { value: out, end: k + q.length };
    const c = s[k]!;
    if (c === '\\') {
      const n = s[k + 1]!;
      if (raw) {
        out += c + n;
      } else {
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' };
        out += n in map ? map[n]! : c + n;
      }
      k += 2;
      continue;
    }
    out += c;
    k++;
  }
  return null;
}

/** The list of strings after `== [` at index i (adjacent literals concatenate, as in Python). */
function pyStringList(s: string, i: number): string[] | null {
  let k = s.indexOf('[', i) + 1;
  const out: string[] = [];
  let current: string | undefined;
  while (k < s.length) {
    while (/\s/.test(s[k]!)) k++;
    if (s[k] === ']') {
      if (current !== undefined) out.push(current);
      return out;
    }
    if (s[k] === ',') {
      if (current !== undefined) out.push(current);
      current = undefined;
      k++;
      continue;
    }
    const lit = pyString(s, k);
    if (!lit) return null;
    current = (current ?? '') + lit.value;
    k = lit.end;
  }
  return null;
}

export function readVectors(path: string): Vector[] {
  const text = readFileSync(path, 'utf8');
  const file = path.split('/').pop()!;
  const blocks = text.split(/\n(?=def test_)/).filter((b) => b.startsWith('def test_'));
  return blocks.map((body) => {
    const name = /^def (test_\w+)/.exec(body)![1]!;
    const v: Vector = { file, name };
    const strings: string[] = [];
    for (let k = 0; k < body.length; ) {
      const at = body.slice(k).search(/[rR]?"""/);
      if (at < 0) break;
      const lit = pyString(body, k + at);
      if (!lit) break;
      strings.push(lit.value);
      k = lit.end;
    }
    const rules = strings.filter((x) => /\bdetection:/.test(x) || /\bcorrelation:/.test(x));
    if (rules.length === 1) v.yaml = rules[0];
    else if (rules.length > 1) v.yaml = rules.join('\n---\n');
    if (
      new RegExp(
        String.raw`ProcessingPipeline|pipeline\s*=|_pipeline\(|Backend\(\s*pipeline|` +
          String.raw`splunk_cim_data_model|ecs_windows|custom_backend|_backend\([^)]`,
      ).test(body)
    ) {
      v.notApplicable =
        'converts through a pySigma processing pipeline or backend options (field renames, index names, data ' +
        'models) that socready models as its own per-target tables';
    } else if (/output_format\s*=|"data_model"|\.finalize|fields_output|savedsearch/.test(body)) {
      v.notApplicable =
        'checks an output format (NDJSON, Query DSL document, SIEM rule, saved search), not the query string';
    } else if (/Deferred|reset\(\)|get_field_match/.test(body) && !v.yaml) {
      v.notApplicable = 'tests a pySigma internal helper, not a conversion';
    }
    if (/pytest\.raises/.test(body)) v.expectsError = true;
    const eq = body.search(/==\s*\[/);
    if (eq >= 0) v.expected = pyStringList(body, eq) ?? undefined;
    if (!v.yaml && !v.notApplicable) v.notApplicable = 'holds no rule YAML';
    return v;
  });
}
