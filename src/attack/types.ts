// The compact ATT&CK catalog: the facts coverage needs (no descriptions), built from MITRE's STIX bundle.

export interface AttackTactic {
  id: string;
  shortname: string;
  name: string;
  /** Column order in the matrix, from 1. */
  order: number;
}

export interface AttackTechnique {
  id: string;
  name: string;
  /** Parent technique ID for sub-techniques, else null. */
  parent: string | null;
  /** Tactic shortnames (kill_chain_phases). */
  tactics: string[];
  platforms: string[];
  /** Data component names that can observe this technique. */
  data_components: string[];
  deprecated: boolean;
  revoked: boolean;
  /** For revoked techniques: the technique that replaces it. */
  revoked_by?: string;
  url: string;
}

export interface AttackDataComponent {
  id: string;
  name: string;
  data_source?: string;
  deprecated: boolean;
  revoked: boolean;
}

export interface AttackGroup {
  id: string;
  name: string;
  aliases: string[];
  /** Technique IDs the group is documented to use (as in the bundle, possibly revoked ones). */
  techniques: string[];
}

export interface AttackCatalog {
  /** Where the facts came from (bundle file or URL, commit). */
  source: string;
  attack_version: string;
  domain: 'enterprise-attack';
  tactics: AttackTactic[];
  techniques: AttackTechnique[];
  data_components: AttackDataComponent[];
  groups: AttackGroup[];
}
