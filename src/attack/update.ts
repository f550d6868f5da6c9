// `socready attack update`: fetch MITRE's official Enterprise bundle into the cache when online; say so when not.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attackCacheDir, CACHED_BUNDLE_NAME } from './catalog.js';
import { catalogFromStix } from './stix.js';

/** MITRE's published Enterprise ATT&CK bundle (STIX 2.1), always the latest release. */
export const OFFICIAL_BUNDLE_URL =
  'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack.json';

export type UpdateResult =
  | { status: 'updated'; path: string; attack_version: string; techniques: number; bytes: number }
  | { status: 'offline'; url: string; reason: string }
  | { status: 'invalid'; url: string; reason: string };

export async function updateAttackCache(
  opts: { url?: string; cacheDir?: string; timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<UpdateResult> {
  const url = opts.url ?? OFFICIAL_BUNDLE_URL;
  const doFetch = opts.fetchImpl ?? fetch;
  let text: string;
  try {
    const res = await doFetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
    if (!res.ok) return { status: 'offline', url, reason: `HTTP ${res.status} ${res.statusText}` };
    text = await res.text();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { status: 'offline', url, reason: cause?.code ?? cause?.message ?? (e as Error).message };
  }
  let catalog: ReturnType<typeof catalogFromStix>;
  try {
    catalog = catalogFromStix(JSON.parse(text), url);
  } catch (e) {
    return { status: 'invalid', url, reason: (e as Error).message };
  }
  if (catalog.techniques.length === 0) return { status: 'invalid', url, reason: 'the bundle holds no techniques' };
  const dir = opts.cacheDir ?? attackCacheDir();
  await mkdir(dir, { recursive: true });
  const path = join(dir, CACHED_BUNDLE_NAME);
  // Write then rename, so a half-written download never replaces a good cache.
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
  return {
    status: 'updated',
    path,
    attack_version: catalog.attack_version,
    techniques: catalog.techniques.length,
    bytes: Buffer.byteLength(text),
  };
}
