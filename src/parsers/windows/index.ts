import type { Parser } from '../../checks/types.js';
import { auditpolParser } from './auditpol.js';
import { eventLogParser } from './eventlog.js';
import { forwardersParser } from './forwarders.js';
import { registryPolicyParser } from './registry.js';
import { sysmonParser } from './sysmon.js';
import { w32tmParser } from './w32tm.js';
import { winrmParser } from './winrm.js';

/** Parsers for windows evidence, by the name catalog checks use in their `parser` field. */
export const windowsParsers: Record<string, Parser> = {
  'windows-auditpol': auditpolParser,
  'windows-registry-policy': registryPolicyParser,
  'windows-sysmon': sysmonParser,
  'windows-w32tm': w32tmParser,
  'windows-eventlog': eventLogParser,
  'windows-forwarders': forwardersParser,
  'windows-winrm': winrmParser,
};
