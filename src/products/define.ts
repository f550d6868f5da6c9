// The one way to add a product that socready audits through its own read-only API (a SIEM, SOAR, EDR, WAF, IPS, NDR).
// A product module says how to recognise the product from its API root, which catalog probes (read-only GET/HEAD
// requests, checks/probes/*.yaml with `products: [<name>]`) it answers, and which parsers turn those answers into
// facts.
import type { TargetKind } from '../model.js';
import type { ParserModule } from '../parsers/define.js';

export interface ProductIdentity {
  /** Product and version as the report's target line shows it ("Elasticsearch 8.15.0"). */
  os?: string;
  /** The name the product gives itself (cluster name, manager host name). */
  hostname?: string;
}

export interface ProductModule {
  /** The inventory's `api.product` value. */
  readonly name: string;
  /** Target kinds this product can be (an Elasticsearch cluster is a siem). */
  readonly kinds: readonly TargetKind[];
  /** What the API root's answer says about the product; best effort, never throws. */
  readonly identify: (rootBody: string) => ProductIdentity;
  /**
   * Probe ids (kind http) asked of this product: exactly the catalog probes whose `products` name it (a test keeps both
   * equal).
   */
  readonly probes: readonly string[];
  /** Parsers reading those probes' answers. */
  readonly parsers: readonly ParserModule[];
}

export function defineProduct(def: ProductModule): ProductModule {
  if (!/^[a-z][a-z0-9-]*$/.test(def.name)) throw new Error(`product name "${def.name}" must be lower-case`);
  if (!def.probes.includes('api-root'))
    throw new Error(`product ${def.name} must answer api-root (how it is reached and identified)`);
  return Object.freeze(def);
}

/** JSON.parse that answers undefined instead of throwing: identify() must never fail a scan. */
export function jsonOrUndefined(body: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
