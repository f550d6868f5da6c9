// Oracle audit facts from sqlplus answers (`set heading off feedback off pagesize 0 colsep '|'`) of V$OPTION
// (Unified Auditing: TRUE = pure unified, FALSE = mixed mode), AUDIT_UNIFIED_ENABLED_POLICIES and V$PARAMETER
// (audit_trail for traditional auditing). Tested on fixtures only (no Oracle here).
import { InconclusiveError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { defineParser } from '../define.js';

function rows(r: ProbeResult | undefined, probe: string): string[][] {
  if (!r || r.error || r.exitCode !== 0)
    throw new InconclusiveError(`${probe}: ${r?.error?.message ?? (r?.stderr.trim() || 'not collected')}`);
  // sqlplus prints ORA-/SP2- errors on stdout with exit 0 unless WHENEVER SQLERROR is set.
  const error = /^(ORA|SP2)-\d+.*$/m.exec(r.stdout);
  if (error) throw new InconclusiveError(`${probe}: ${error[0]}`);
  return r.stdout
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('|').map((c) => c.trim()));
}

export function oracleFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const option = rows(outputs['oracle-unified-option'], 'oracle-unified-option').find(
    ([p]) => p === 'Unified Auditing',
  );
  const pure = option?.[1] === 'TRUE';
  // POLICY_NAME | ENABLED_OPTION | ENTITY_NAME | SUCCESS | FAILURE
  const policies = rows(outputs['oracle-unified-policies'], 'oracle-unified-policies').map(
    ([name, option_, entity, success, failure]) => ({
      name: name!,
      enabled_option: option_ ?? '',
      entity: entity ?? '',
      success: success === 'YES',
      failure: failure === 'YES',
    }),
  );
  const names = new Set(policies.map((p) => p.name.toUpperCase()));
  const params = Object.fromEntries(
    rows(outputs['oracle-audit-parameters'], 'oracle-audit-parameters').map(([k, v]) => [
      k!.toLowerCase(),
      (v ?? '').toUpperCase(),
    ]),
  );
  const logonFailures = policies.some((p) => p.name.toUpperCase() === 'ORA_LOGON_FAILURES' && p.failure);
  return {
    unified_pure: pure,
    unified_known: option !== undefined,
    policies: [...names].sort(),
    logon_failures: logonFailures,
    secureconfig: names.has('ORA_SECURECONFIG'),
    account_mgmt: names.has('ORA_ACCOUNT_MGMT'),
    audit_trail: params.audit_trail ?? '',
    why: {
      mode: option
        ? `V$OPTION Unified Auditing = ${option[1]} (${pure ? 'pure unified auditing' : 'mixed mode'}); ` +
          `audit_trail = ${params.audit_trail ?? '(unknown)'}`
        : 'V$OPTION has no Unified Auditing row',
      policies:
        policies.length === 0
          ? 'AUDIT_UNIFIED_ENABLED_POLICIES is empty: no unified audit policy is enabled'
          : `enabled policies: ${[...names].sort().join(', ')}`,
    },
  };
}

export const oracleParser = defineParser({
  name: 'oracle-audit',
  probes: ['oracle-unified-option', 'oracle-unified-policies', 'oracle-audit-parameters'],
  facts: [
    'unified_pure',
    'unified_known',
    'policies',
    'logon_failures',
    'secureconfig',
    'account_mgmt',
    'audit_trail',
    'why',
  ],
  parse: (outputs) => oracleFacts(outputs),
});
