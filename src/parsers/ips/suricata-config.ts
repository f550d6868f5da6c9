// Suricata's configuration, read from either of its two textual forms into one tree, and the logging facts a SOC
// needs from it. The two forms:
//  - suricata.yaml (`%YAML 1.1`, booleans as yes/no). The source tree's suricata.yaml.in still holds configure
//    placeholders (`@e_logdir@`, `@pfring_comment@`); they are not valid YAML, so a template is read with the
//    placeholders made plain text (a `*_comment@` placeholder becomes `#`, as configure writes it when the feature is
//    off).
//  - `suricata --dump-config`: one `dotted.key = value` line per node, the effective configuration after includes.
//    Sequences are numbered (`outputs.1 = eve-log`); an item that is a one-key mapping prints its key as the value
//    and its children below it (`outputs.1.eve-log.enabled = yes`), and inner nodes print `(null)`.
import { parse as parseYamlText } from 'yaml';
import { ParseError } from '../../checks/types.js';

export type ConfNode = string | null | ConfNode[] | { [key: string]: ConfNode };

const TEMPLATE_PLACEHOLDER = /@([A-Za-z_][A-Za-z0-9_]*)@/g;

/** Parses suricata.yaml (or its .in template) into plain data; a YAML error names the file and line. */
export function parseSuricataYaml(text: string, file: string): ConfNode {
  const isTemplate = /@e_[a-z]+@/.test(text);
  const source = isTemplate
    ? text.replace(TEMPLATE_PLACEHOLDER, (_m, name: string) => (name.endsWith('_comment') ? '#' : `\${${name}}`))
    : text;
  let data: unknown;
  try {
    // Suricata reads YAML 1.1 scalars as strings and decides yes/no itself; so do we (no schema coercion).
    data = parseYamlText(source, { version: '1.1', schema: 'failsafe', uniqueKeys: false, maxAliasCount: 100 });
  } catch (e) {
    const err = e as Error & { linePos?: { line: number }[] };
    const line = err.linePos?.[0]?.line;
    throw new ParseError(`${file}${line ? `:${line}` : ''}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new ParseError(`${file}: not a Suricata configuration (the top level is not a mapping)`);
  return data as ConfNode;
}

interface DumpNode {
  value: string | null;
  children: Map<string, DumpNode>;
}

/** Parses `suricata --dump-config` output into the same shape the YAML file gives. */
export function parseDumpConfig(text: string): ConfNode {
  const root: DumpNode = { value: null, children: new Map() };
  let lines = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (!line.trim()) return;
    // `key = value`; an empty value prints as `key = ` (trailing blank trimmed here).
    const m = /^(\S+) =(?: (.*))?$/.exec(line);
    if (!m) {
      // Suricata prints its own notices (`Notice: ...`) before the dump on some versions: those are not config lines.
      if (/^\s*(\[\d+\]|\d+\/\d+\/\d+|Notice|Info|Warning|Error|Config|Perf)\b/.test(line)) return;
      throw new ParseError(`suricata --dump-config line ${i + 1}: expected "key = value", got "${line.slice(0, 80)}"`);
    }
    const key = m[1]!;
    const value = m[2] ?? '';
    let node = root;
    for (const part of key.split('.')) {
      let next = node.children.get(part);
      if (!next) {
        next = { value: null, children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.value = value === '(null)' ? null : value;
    lines++;
  });
  if (lines === 0) throw new ParseError('suricata --dump-config printed no configuration');
  return toConf(root);
}

function toConf(node: DumpNode): ConfNode {
  if (node.children.size === 0) return node.value;
  const keys = [...node.children.keys()];
  if (keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => {
        const item = node.children.get(k)!;
        // `outputs.1 = eve-log` with children `outputs.1.eve-log.*`: the one-key mapping `- eve-log: {...}`.
        if (item.value !== null && item.children.size === 1 && item.children.has(item.value)) {
          return { [item.value]: toConf(item.children.get(item.value)!) };
        }
        return toConf(item);
      });
  }
  return Object.fromEntries(keys.map((k) => [k, toConf(node.children.get(k)!)]));
}

// ---- reading the tree

export function child(node: ConfNode | undefined, key: string): ConfNode | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  return node[key];
}

export function at(node: ConfNode | undefined, path: string): ConfNode | undefined {
  return path.split('.').reduce<ConfNode | undefined>((n, k) => child(n, k), node);
}

/** Suricata's ConfValIsTrue / ConfValIsFalse: 1/yes/true/on and 0/no/false/off, any case. */
export function truth(value: ConfNode | undefined): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(v)) return true;
  if (['0', 'no', 'false', 'off'].includes(v)) return false;
  return undefined;
}

export function text(value: ConfNode | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A sequence item as (name, settings): `- ssh`, `- ssh:` (null) and `- http: {extended: yes}`. */
export function namedItems(list: ConfNode | undefined): { name: string; conf: ConfNode }[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item): { name: string; conf: ConfNode }[] => {
    if (typeof item === 'string') return [{ name: item, conf: null }];
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const keys = Object.keys(item);
      if (keys.length === 1) return [{ name: keys[0]!, conf: item[keys[0]!]! }];
    }
    return [];
  });
}

/** "100 KiB", "4mb", "4096" as bytes (Suricata's ParseSizeString units); undefined when unreadable. */
export function sizeBytes(value: ConfNode | undefined): number | undefined {
  const t = text(value)?.trim();
  if (!t) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?)?$/i.exec(t);
  if (!m) return undefined;
  const unit = (m[2] ?? '').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * factor);
}
