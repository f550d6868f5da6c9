// Generates checks/attack/enterprise-attack-catalog.json (the compact catalog socready ships, so coverage works
// offline)
// from a MITRE ATT&CK Enterprise STIX bundle, and puts MITRE's licence notice beside it as the ATT&CK Terms of Use ask.
//   npx tsx scripts/build-attack-catalog.ts [bundle.json|bundle.json.gz] [--license LICENSE-ATTACK.txt]
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCatalogFile, serialiseCatalog } from '../src/attack/catalog.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const licIdx = args.indexOf('--license');
const licenseArg = licIdx >= 0 ? args.splice(licIdx, 2)[1] : undefined;
const bundle = resolve(args[0] ?? join(root, '..', 'shared', 'attack', 'enterprise-attack-19.1-subset.json.gz'));
const license = resolve(licenseArg ?? join(dirname(bundle), 'LICENSE-ATTACK.txt'));
if (!existsSync(bundle)) {
  console.error(`bundle not found: ${bundle}`);
  process.exit(2);
}
if (!existsSync(license)) {
  console.error(
    `MITRE licence notice not found: ${license} (pass --license; the ATT&CK Terms of Use require it next to any copy)`,
  );
  process.exit(2);
}
const catalog = parseCatalogFile(bundle);
// Record where the facts came from without the builder's local path.
catalog.source =
  `MITRE ATT&CK Enterprise STIX bundle ${bundle.split('/').pop()} (ATT&CK v${catalog.attack_version}); built ` +
  'by scripts/build-attack-catalog.ts';
const outDir = join(root, 'checks', 'attack');
mkdirSync(outDir, { recursive: true });
const out = join(outDir, 'enterprise-attack-catalog.json');
writeFileSync(out, serialiseCatalog(catalog));
copyFileSync(license, join(outDir, 'LICENSE-ATTACK.txt'));
chmodSync(join(outDir, 'LICENSE-ATTACK.txt'), 0o644);
const live = catalog.techniques.filter((t) => !t.revoked && !t.deprecated);
console.log(
  `${out}: ATT&CK ${catalog.attack_version}, ${catalog.tactics.length} tactics, ${catalog.techniques.length} ` +
    `technique records (${live.length} live), ` +
    `${catalog.data_components.length} data components, ${catalog.groups.length} groups`,
);
