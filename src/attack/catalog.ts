// Loads the ATT&CK catalog (a STIX bundle at a path, the cache `socready attack update` fills, or the compact catalog
// the project ships) and answers the questions coverage asks: is this ID live, what replaced it, which tactic is this.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CHECKS_DIR } from '../paths.js';
import { compileSchema } from '../util/validate.js';
import { catalogFromStix } from './stix.js';
import type { AttackCatalog, AttackGroup, AttackTactic, AttackTechnique } from './types.js';

export const SHIPPED_CATALOG = join(CHECKS_DIR, 'attack', 'enterprise-attack-catalog.json');

export function attackCacheDir(): string {
  if (process.env.SOCREADY_CACHE_DIR) return join(process.env.SOCREADY_CACHE_DIR, 'attack');
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'socready', 'attack');
}
export const CACHED_BUNDLE_NAME = 'enterprise-attack.json';

const compactSchema = {
  type: 'object',
  required: ['attack_version', 'tactics', 'techniques'],
  properties: {
    attack_version: { type: 'string' },
    tactics: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'shortname', 'name', 'order'],
        properties: { id: { type: 'string' }, shortname: { type: 'string' }, order: { type: 'number' } },
      },
    },
    techniques: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'tactics'],
        properties: {
          id: { type: 'string', pattern: '^T\\d{4}(\\.\\d{3})?$' },
          tactics: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    groups: { type: 'array', items: { type: 'object', required: ['id', 'name', 'techniques'] } },
  },
};

/** Parses a catalog file: a STIX bundle (.json or .json.gz) or the compact catalog. */
export function parseCatalogFile(path: string): AttackCatalog {
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new Error(`${path}: not JSON: ${(e as Error).message}`);
  }
  if ((doc as { type?: string })?.type === 'bundle') return catalogFromStix(doc, path);
  const validate = compileSchema(compactSchema);
  if (!validate(doc)) {
    const err = validate.errors?.[0];
    throw new Error(
      `${path}: not an ATT&CK catalog: ${err?.instancePath || '(top level)'} ${err?.message ?? ''}`.trim(),
    );
  }
  const c = doc as AttackCatalog;
  return {
    source: c.source ?? path,
    attack_version: c.attack_version,
    domain: 'enterprise-attack',
    tactics: c.tactics,
    techniques: c.techniques.map((t) => ({
      ...t,
      parent: t.parent ?? (t.id.includes('.') ? t.id.split('.')[0]! : null),
      platforms: t.platforms ?? [],
      data_components: t.data_components ?? [],
      deprecated: !!t.deprecated,
      revoked: !!t.revoked,
      url: t.url ?? '',
    })),
    data_components: c.data_components ?? [],
    groups: c.groups ?? [],
  };
}

/**
 * Tactic shortnames that changed between ATT&CK releases. v19 renamed TA0005 defense-evasion to stealth and split the
 * tampering techniques into the new TA0112 defense-impairment; rules written for v18 still say defense-evasion.
 */
export const TACTIC_RENAMES: { old: string; now: string[]; since: string }[] = [
  { old: 'defense-evasion', now: ['stealth', 'defense-impairment'], since: '19.0' },
];

export type Resolution =
  | { status: 'live'; id: string }
  | { status: 'revoked'; id: string; from: string; chain: string[] }
  | { status: 'deprecated'; id: string }
  | { status: 'unknown'; id: string };

/** A catalog with its lookups built once. */
export class AttackIndex {
  readonly techniques = new Map<string, AttackTechnique>();
  readonly tactics = new Map<string, AttackTactic>();
  readonly groups = new Map<string, AttackGroup>();
  /** Live sub-techniques by parent. */
  readonly children = new Map<string, AttackTechnique[]>();
  /** How many groups use each technique (resolved), a rough measure of how common it is in real intrusions. */
  readonly groupUse = new Map<string, number>();

  constructor(readonly catalog: AttackCatalog) {
    for (const t of catalog.techniques) this.techniques.set(t.id, t);
    for (const t of catalog.tactics) this.tactics.set(t.shortname, t);
    for (const g of catalog.groups) {
      this.groups.set(g.id.toUpperCase(), g);
      this.groups.set(g.name.toLowerCase(), g);
      for (const a of g.aliases) if (!this.groups.has(a.toLowerCase())) this.groups.set(a.toLowerCase(), g);
    }
    for (const t of catalog.techniques) {
      if (!t.parent || t.revoked || t.deprecated) continue;
      const list = this.children.get(t.parent) ?? [];
      list.push(t);
      this.children.set(t.parent, list);
    }
    for (const g of catalog.groups) {
      for (const id of new Set(g.techniques.map((t) => this.resolve(t).id)))
        this.groupUse.set(id, (this.groupUse.get(id) ?? 0) + 1);
    }
  }

  get version(): string {
    return this.catalog.attack_version;
  }

  live(): AttackTechnique[] {
    return this.catalog.techniques.filter((t) => !t.revoked && !t.deprecated);
  }

  /** Follows revoked-by links to the live replacement; deprecated IDs have none. */
  resolve(rawId: string): Resolution {
    const id = rawId.toUpperCase();
    const chain: string[] = [];
    let cur = this.techniques.get(id);
    if (!cur) return { status: 'unknown', id };
    while (cur.revoked && cur.revoked_by && chain.length < 8) {
      chain.push(cur.id);
      const next = this.techniques.get(cur.revoked_by);
      if (!next) break;
      cur = next;
    }
    if (cur.revoked) return { status: 'unknown', id };
    if (chain.length > 0)
      return cur.deprecated ? { status: 'deprecated', id: cur.id } : { status: 'revoked', id: cur.id, from: id, chain };
    if (cur.deprecated) return { status: 'deprecated', id };
    return { status: 'live', id };
  }

  /** A tactic tag as this catalog names it: renamed tactics map to their new name, and back for older catalogs. */
  tactic(tag: string): AttackTactic | undefined {
    const t = tag.toLowerCase().replace(/_/g, '-');
    const direct = this.tactics.get(t);
    if (direct) return direct;
    for (const r of TACTIC_RENAMES) {
      if (r.old === t) for (const n of r.now) if (this.tactics.has(n)) return this.tactics.get(n);
      if (r.now.includes(t) && this.tactics.has(r.old)) return this.tactics.get(r.old);
    }
    return undefined;
  }

  /** A group by ID (G0016), name or alias (APT29, Cozy Bear). */
  group(key: string): AttackGroup | undefined {
    return this.groups.get(key.toUpperCase()) ?? this.groups.get(key.toLowerCase());
  }
}

export interface LoadedCatalog {
  index: AttackIndex;
  /** Which file was used and why. */
  origin: 'path' | 'cache' | 'shipped';
  path: string;
}

const memo = new Map<string, AttackIndex>();

/** Loads the catalog: an explicit path, else the downloaded bundle in the cache, else the shipped compact catalog. */
export function loadAttackCatalog(opts: { path?: string; cacheDir?: string } = {}): LoadedCatalog {
  const cached = join(opts.cacheDir ?? attackCacheDir(), CACHED_BUNDLE_NAME);
  const [origin, path] = opts.path
    ? (['path', opts.path] as const)
    : existsSync(cached)
      ? (['cache', cached] as const)
      : (['shipped', SHIPPED_CATALOG] as const);
  // Keyed by modification time too, so a cache refreshed by `attack update` is read again.
  let key = path;
  try {
    key = `${path}@${statSync(path).mtimeMs}`;
  } catch {
    // parseCatalogFile reports the missing file.
  }
  let index = memo.get(key);
  if (!index) {
    index = new AttackIndex(parseCatalogFile(path));
    memo.set(key, index);
  }
  return { index, origin, path };
}

/** Writes the compact catalog with one record per line, so diffs between ATT&CK releases stay readable. */
export function serialiseCatalog(c: AttackCatalog): string {
  const lines = (items: unknown[]) => items.map((x) => `    ${JSON.stringify(x)}`).join(',\n');
  return [
    '{',
    `  "source": ${JSON.stringify(c.source)},`,
    `  "attack_version": ${JSON.stringify(c.attack_version)},`,
    `  "domain": ${JSON.stringify(c.domain)},`,
    '  "notice": "ATT&CK® is © The MITRE Corporation. Reproduced and distributed under the ATT&CK Terms of ' +
      'Use; see LICENSE-ATTACK.txt beside this file.",',
    `  "tactics": [\n${lines(c.tactics)}\n  ],`,
    `  "techniques": [\n${lines(c.techniques)}\n  ],`,
    `  "data_components": [\n${lines(c.data_components)}\n  ],`,
    `  "groups": [\n${lines(c.groups)}\n  ]`,
    '}',
    '',
  ].join('\n');
}
