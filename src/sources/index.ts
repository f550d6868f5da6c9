// The source-map stage of a run: the shipped catalog, the report's findings and targets, the inventory's estate.
import type { AnalysisSection, Estate, Report, SourceMapDetails, SourceMapSummary } from '../model.js';
import type { PlaybooksDetails } from '../playbook/analyse.js';
import { InputError } from '../util/validate.js';
import { shippedSourceCatalog, type SourceCatalog } from './catalog.js';
import { buildSourceMap } from './map.js';

export { buildSourceMap, nextToConnect } from './map.js';
export {
  loadSourceCatalog,
  shippedSourceCatalog,
  SOURCES_FILE,
  type SourceCatalog,
  type SourceClass,
  type UseCase,
} from './catalog.js';

/**
 * The organisation's playbooks (never socready's built-in examples), described by their id, name and the integrations
 * their actions call (a WAF, an EDR ...): the use-cases they handle are inferred from these words.
 */
function organisationPlaybooks(report: Report): { id: string; name: string }[] {
  const p = report.analyses.playbooks;
  if (!p || p.content === 'built-in') return [];
  return ((p.details as PlaybooksDetails | undefined)?.results ?? []).map((r) => ({
    id: r.playbook.id,
    name: [r.playbook.name, ...r.integrations.flatMap((i) => [i.id, i.name ?? '', i.product ?? ''])]
      .filter(Boolean)
      .join(' '),
  }));
}

/**
 * The classes with their status and Sigma log sources, for coverage's join (a rule is visible only where its class is
 * measured).
 */
export function sourceClassGates(
  map: AnalysisSection<SourceMapSummary, SourceMapDetails>,
  catalog: SourceCatalog = shippedSourceCatalog(),
) {
  const sigma = new Map(catalog.classes.map((c) => [c.id, c.sigma]));
  return map.details.classes.map((c) => ({ id: c.id, name: c.name, status: c.status, sigma: sigma.get(c.id) ?? [] }));
}

export function sourceMapStep(
  report: Report,
  estate: Estate | undefined,
  catalog?: SourceCatalog,
): AnalysisSection<SourceMapSummary, SourceMapDetails> | { problem: { path: string; error: string } } {
  try {
    return buildSourceMap({
      catalog: catalog ?? shippedSourceCatalog(),
      findings: report.findings,
      targets: report.targets,
      estate,
      playbooks: organisationPlaybooks(report),
    });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { problem: { path: e.file, error: e.message } };
  }
}
