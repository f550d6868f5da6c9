// Builds the compact catalog from a MITRE ATT&CK STIX bundle (STIX 2.0 from mitre/cti or 2.1 from attack-stix-data).
import type { AttackCatalog, AttackDataComponent, AttackGroup, AttackTactic, AttackTechnique } from './types.js';

interface StixObject {
  type: string;
  id: string;
  name?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  external_references?: { source_name?: string; external_id?: string; url?: string }[];
  [k: string]: unknown;
}

function attackId(o: StixObject): string | undefined {
  return o.external_references?.find((r) => r.source_name === 'mitre-attack' && r.external_id)?.external_id;
}

function techniqueUrl(id: string): string {
  return `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
}

/** The ATT&CK release the bundle holds: its x-mitre-collection, else a version in the file name, else "unknown". */
function versionOf(objects: StixObject[], hint?: string): string {
  const coll = objects.find((o) => o.type === 'x-mitre-collection');
  if (coll && typeof coll.x_mitre_version === 'string') return coll.x_mitre_version;
  const m = hint ? /(?:attack|v)[-_]?(\d+\.\d+)/i.exec(hint) : null;
  return m ? m[1]! : 'unknown';
}

export function catalogFromStix(bundle: unknown, sourceName: string): AttackCatalog {
  const b = bundle as { type?: string; objects?: StixObject[] };
  if (b?.type !== 'bundle' || !Array.isArray(b.objects))
    throw new Error(`${sourceName}: not a STIX bundle (no "type": "bundle" with "objects")`);
  const objects = b.objects;
  const byStixId = new Map<string, StixObject>();
  for (const o of objects) if (o && typeof o.id === 'string') byStixId.set(o.id, o);

  // Tactics in matrix order; a bundle without a matrix falls back to ID order.
  const matrix = objects.find((o) => o.type === 'x-mitre-matrix' && !o.revoked);
  const tacticRefs = Array.isArray(matrix?.tactic_refs) ? (matrix.tactic_refs as string[]) : [];
  const tacticObjs = objects.filter((o) => o.type === 'x-mitre-tactic' && !o.revoked && !o.x_mitre_deprecated);
  const ordered =
    tacticRefs.length > 0
      ? tacticRefs.map((r) => byStixId.get(r)).filter((o): o is StixObject => !!o)
      : tacticObjs.sort((a, b) => (attackId(a) ?? '').localeCompare(attackId(b) ?? ''));
  const tactics: AttackTactic[] = ordered.map((o, i) => ({
    id: attackId(o) ?? o.id,
    shortname: String(o.x_mitre_shortname ?? ''),
    name: o.name ?? '',
    order: i + 1,
  }));

  // Data components, and which technique each can observe.
  const dataSources = new Map<string, string>();
  for (const o of objects) if (o.type === 'x-mitre-data-source' && o.name) dataSources.set(o.id, o.name);
  const dataComponents: AttackDataComponent[] = [];
  const dcName = new Map<string, string>();
  for (const o of objects) {
    if (o.type !== 'x-mitre-data-component') continue;
    dcName.set(o.id, o.name ?? '');
    const dsRef =
      typeof o.x_mitre_data_source_ref === 'string' ? dataSources.get(o.x_mitre_data_source_ref) : undefined;
    dataComponents.push({
      id: attackId(o) ?? o.id,
      name: o.name ?? '',
      ...(dsRef ? { data_source: dsRef } : {}),
      deprecated: o.x_mitre_deprecated === true,
      revoked: o.revoked === true,
    });
  }
  const techDcs = new Map<string, Set<string>>();
  const addDc = (techStix: string, name: string | undefined) => {
    if (!name) return;
    let s = techDcs.get(techStix);
    if (!s) {
      s = new Set();
      techDcs.set(techStix, s);
    }
    s.add(name);
  };
  const relationships = objects.filter((o) => o.type === 'relationship' && !o.revoked && !o.x_mitre_deprecated);
  for (const r of relationships) {
    if (r.relationship_type !== 'detects') continue;
    const src = byStixId.get(String(r.source_ref));
    const target = String(r.target_ref);
    if (!src || src.revoked || src.x_mitre_deprecated) continue;
    if (src.type === 'x-mitre-data-component') addDc(target, src.name);
    else if (src.type === 'x-mitre-detection-strategy') {
      // ATT&CK v18+: strategy → analytics → log source references → data components.
      for (const aRef of (src.x_mitre_analytic_refs as string[] | undefined) ?? []) {
        const an = byStixId.get(aRef);
        if (!an || an.revoked || an.x_mitre_deprecated) continue;
        for (const ls of (an.x_mitre_log_source_references as { x_mitre_data_component_ref?: string }[] | undefined) ??
          [])
          addDc(target, ls.x_mitre_data_component_ref ? dcName.get(ls.x_mitre_data_component_ref) : undefined);
      }
    }
  }

  const techIdByStix = new Map<string, string>();
  for (const o of objects)
    if (o.type === 'attack-pattern') {
      const id = attackId(o);
      if (id) techIdByStix.set(o.id, id);
    }
  const revokedBy = new Map<string, string>();
  const uses = new Map<string, Set<string>>();
  for (const r of relationships) {
    if (r.relationship_type === 'revoked-by') {
      const from = techIdByStix.get(String(r.source_ref));
      const to = techIdByStix.get(String(r.target_ref));
      if (from && to) revokedBy.set(from, to);
    } else if (r.relationship_type === 'uses' && String(r.source_ref).startsWith('intrusion-set--')) {
      const t = techIdByStix.get(String(r.target_ref));
      if (!t) continue;
      let s = uses.get(String(r.source_ref));
      if (!s) {
        s = new Set();
        uses.set(String(r.source_ref), s);
      }
      s.add(t);
    }
  }

  const techniques: AttackTechnique[] = [];
  for (const o of objects) {
    if (o.type !== 'attack-pattern') continue;
    const id = techIdByStix.get(o.id);
    if (!id || !/^T\d{4}(\.\d{3})?$/.test(id)) continue;
    const domains = o.x_mitre_domains as string[] | undefined;
    if (domains && !domains.includes('enterprise-attack')) continue;
    const phases = (o.kill_chain_phases as { kill_chain_name: string; phase_name: string }[] | undefined) ?? [];
    const t: AttackTechnique = {
      id,
      name: o.name ?? '',
      parent: id.includes('.') ? id.split('.')[0]! : null,
      tactics: phases.filter((p) => p.kill_chain_name === 'mitre-attack').map((p) => p.phase_name),
      platforms: (o.x_mitre_platforms as string[] | undefined) ?? [],
      data_components: [...(techDcs.get(o.id) ?? [])].sort(),
      deprecated: o.x_mitre_deprecated === true,
      revoked: o.revoked === true,
      url: techniqueUrl(id),
    };
    const rb = revokedBy.get(id);
    if (t.revoked && rb) t.revoked_by = rb;
    techniques.push(t);
  }
  techniques.sort((a, b) => a.id.localeCompare(b.id));

  const groups: AttackGroup[] = [];
  for (const o of objects) {
    if (o.type !== 'intrusion-set' || o.revoked || o.x_mitre_deprecated) continue;
    const id = attackId(o);
    if (!id) continue;
    groups.push({
      id,
      name: o.name ?? id,
      aliases: ((o.aliases as string[] | undefined) ?? []).filter((a) => a !== o.name),
      techniques: [...(uses.get(o.id) ?? [])].sort(),
    });
  }
  groups.sort((a, b) => a.id.localeCompare(b.id));
  dataComponents.sort((a, b) => a.id.localeCompare(b.id));

  return {
    source: sourceName,
    attack_version: versionOf(objects, sourceName),
    domain: 'enterprise-attack',
    tactics,
    techniques,
    data_components: dataComponents,
    groups,
  };
}
