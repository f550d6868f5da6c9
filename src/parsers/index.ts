// Every parser, registered one way (defineParser, src/parsers/define.ts): the platform parsers here, and the parsers
// of each product module (src/products). Checks name a parser; the catalog loader verifies the name, the probes and
// the fact paths against these declarations.
import type { Parser } from '../checks/types.js';
import { costParserModules } from '../cost/parsers.js';
import { DATABASE_PARSERS } from '../database/products.js';
import { EXPORT_PRODUCTS } from '../products/exports.js';
import { PRODUCTS } from '../products/index.js';
import { type ParserModule, parserIndex, parsersByName } from './define.js';
import { edrParserModules } from './edr/index.js';
import { sensorParserModules } from './ips/index.js';
import { linuxParserModules } from './linux/index.js';
import { splunkPropsFileParserModules } from './products/splunk-props.js';
import { webParserModules } from './web/index.js';
import { windowsParserModules } from './windows/index.js';

/** Platform parsers and every product's parsers (a parser shared by products is registered once). */
export const PARSER_MODULES: readonly ParserModule[] = [
  ...linuxParserModules,
  ...splunkPropsFileParserModules,
  ...windowsParserModules,
  ...webParserModules,
  ...DATABASE_PARSERS,
  ...sensorParserModules,
  ...edrParserModules,
  ...costParserModules,
  ...new Set([...PRODUCTS, ...EXPORT_PRODUCTS].flatMap((p) => p.parsers)),
];

export const PARSER_INDEX: ReadonlyMap<string, ParserModule> = parserIndex(PARSER_MODULES);

/** name -> parse function, for the evaluator. */
export const PARSERS: Readonly<Record<string, Parser>> = parsersByName(PARSER_MODULES);
