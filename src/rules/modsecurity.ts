// ModSecurity / OWASP CRS rule files: SecRule and SecAction directives, their id, msg, severity and tag: actions.
import { owaspFromCrsTag, owaspFromExplicitTag } from '../attack/owasp.js';
import { type DetectionRule, normaliseLevel, type RuleProblem, uniq } from './model.js';

interface Directive {
  line: number;
  words: string[];
}

/** Splits a directive into words, honouring double quotes and backslash escapes (ModSecurity's config syntax). */
function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"((?:\\.|[^"\\])*)"|(\S+)/g)) {
    if (m[1] !== undefined) out.push(m[1].replace(/\\(["\\])/g, '$1'));
    else if (m[2]!.startsWith('"')) throw new Error('unterminated quoted string');
    else out.push(m[2]!);
  }
  return out;
}

/** Joins backslash-continued lines into directives, dropping comments. */
export function parseDirectives(text: string): Directive[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: Directive[] = [];
  for (let n = 0; n < lines.length; n++) {
    const start = n + 1;
    let line = lines[n]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && n + 1 < lines.length) {
      n++;
      line = `${line.replace(/\\\s*$/, '')} ${lines[n]!.trim()}`;
    }
    out.push({ line: start, words: words(line.trim()) });
  }
  return out;
}

/** "id:942100,msg:'SQL Injection',tag:'attack-sqli'" → [['id','942100'], ['msg','SQL Injection'], ...]. */
export function parseActions(actions: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of actions.matchAll(/\s*([^:,]+?)\s*(?::\s*(?:'((?:\\.|[^'\\])*)'|([^,]*)))?\s*(?:,|$)/g)) {
    if (m[0] === '') break;
    const value = m[2] !== undefined ? m[2].replace(/\\'/g, "'") : (m[3] ?? '');
    out.push([m[1]!.trim().toLowerCase(), value.trim()]);
  }
  return out;
}

/** Request/response parts a rule inspects, from its variables (ARGS, REQUEST_BODY, REQUEST_HEADERS:User-Agent...). */
function variableFields(vars: string): string[] {
  return vars
    .split('|')
    .map((v) =>
      v
        .replace(/^[!&]+/, '')
        .split(':')[0]!
        .trim()
        .toUpperCase(),
    )
    .filter((v) => v && !v.startsWith('TX') && v !== 'IP' && v !== 'GLOBAL' && v !== 'SESSION' && v !== 'USER');
}

/**
 * CRS carries no ATT&CK tags; its attack classes are attempts to exploit the web application (T1190), and its
 * scanner detection is active scanning (T1595.002).
 */
function attackOf(tags: string[], owasp: string[]): { techniques: string[]; tactics: string[] } {
  if (tags.some((t) => /attack-reputation-scanner|scanner/i.test(t)))
    return { techniques: ['T1595.002'], tactics: ['reconnaissance'] };
  if (owasp.length > 0) return { techniques: ['T1190'], tactics: ['initial-access'] };
  return { techniques: [], tactics: [] };
}

export function readModSecurityText(text: string, file: string): { rules: DetectionRule[]; problems: RuleProblem[] } {
  const rules: DetectionRule[] = [];
  const problems: RuleProblem[] = [];
  let directives: Directive[];
  try {
    directives = parseDirectives(text);
  } catch (e) {
    return { rules, problems: [{ path: file, error: `${file}: ${(e as Error).message}` }] };
  }
  let chainOwner: DetectionRule | undefined;
  for (const d of directives) {
    const [name, ...args] = d.words;
    if (!name) continue;
    const directive = name.toLowerCase();
    if (directive !== 'secrule' && directive !== 'secaction') continue;
    const actionText = directive === 'secrule' ? args[2] : args[0];
    if (directive === 'secrule' && args.length < 2) {
      problems.push({ path: file, error: `${file}:${d.line}: SecRule needs variables and an operator` });
      continue;
    }
    const actions = parseActions(actionText ?? '');
    const get = (k: string) => actions.find(([n]) => n === k)?.[1];
    const fields = directive === 'secrule' ? variableFields(args[0]!) : [];
    // A chained rule continues the rule before it: its variables add to what that rule reads.
    if (chainOwner && !get('id')) {
      chainOwner.fields = uniq([...chainOwner.fields, ...fields]);
      if (!actions.some(([n]) => n === 'chain')) chainOwner = undefined;
      continue;
    }
    const id = get('id');
    const tags = actions.filter(([n]) => n === 'tag').map(([, v]) => v);
    const msg = get('msg');
    if (!id) {
      problems.push({ path: file, error: `${file}:${d.line}: ${name} without an id action` });
      continue;
    }
    const owasp = uniq(
      tags.flatMap((t) => [...owaspFromCrsTag(t), ...owaspFromExplicitTag(t.replace(/^owasp_crs\b.*/i, ''))]),
    );
    const rule: DetectionRule = {
      file,
      line: d.line,
      format: 'modsecurity',
      id,
      title: msg ?? `rule ${id}`,
      level: normaliseLevel(get('severity')),
      logsource: { product: 'modsecurity', category: 'waf' },
      fields: uniq(fields),
      ...attackOf(tags, owasp),
      owasp,
      correlation: tags.includes('event-correlation'),
      tags,
    };
    chainOwner = actions.some(([n]) => n === 'chain') ? rule : undefined;
    // Flow control (skips, paranoia gates, scoring setup) has neither a message nor a tag: not a detection.
    if (msg || tags.length > 0) rules.push(rule);
  }
  return { rules, problems };
}
