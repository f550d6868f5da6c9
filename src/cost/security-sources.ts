// Which indices and sourcetypes hold security sources (the logs an investigation reaches back for), told by the names
// the common add-ons, Beats and Elastic Agent integrations give them. Used to hold their retention against the year
// the report recommends; a name that matches nothing is not judged (never guessed to be a security source).

/** The retention the report recommends for security logs: the products.es.retention and products.splunk.retention
 * checks fail under it (checks/products/*.yaml; test/unit/cost/siem-limits.test.ts keeps the two equal). */
export const RECOMMENDED_RETENTION_DAYS = 365;

const FAMILIES: { family: string; test: RegExp }[] = [
  { family: 'Sysmon', test: /sysmon/i },
  { family: 'Windows event logs', test: /wineventlog|winlogbeat|logs-windows|logs-system\.security|windows/i },
  { family: 'Linux audit', test: /linux_audit|auditd|auditbeat/i },
  { family: 'Linux authentication', test: /linux_secure|logs-system\.auth|(^|[^a-z])auth(log)?($|[^a-z])/i },
  { family: 'WAF', test: /modsec|waf/i },
  { family: 'web access', test: /access_combined|access_common|nginx|apache|iis|access/i },
  { family: 'IDS/NDR', test: /suricata|snort|zeek|bro_/i },
  { family: 'firewall', test: /firewall|pan:traffic|pan_traffic|fortigate|fgt_|cisco:asa|logs-panw/i },
  { family: 'database audit', test: /pgaudit|postgres|mysql|mariadb|mssql|oracle/i },
  { family: 'EDR / SIEM alerts', test: /crowdstrike|defender|edr|wazuh|\.alerts-security|osquery/i },
  { family: 'identity', test: /okta|azure:?aad|entra|ldap|activedirectory|o365|m365/i },
  { family: 'DNS', test: /dns/i },
];

/** The families' names on the Japanese page. */
const FAMILY_JA: Record<string, string> = {
  'Windows event logs': 'Windows イベントログ',
  'Linux audit': 'Linux 監査',
  'Linux authentication': 'Linux 認証',
  'web access': 'Web アクセス',
  firewall: 'ファイアウォール',
  'database audit': 'データベース監査',
  'EDR / SIEM alerts': 'EDR / SIEM アラート',
  identity: 'ID 基盤',
};

/** A family's name in Japanese (product names such as Sysmon, WAF, DNS stay as they are). */
export function securityFamilyJa(family: string): string {
  return FAMILY_JA[family] ?? family;
}

/** The security source family a sourcetype, index or data stream name belongs to; undefined: not a known one. */
export function securityFamily(name: string): string | undefined {
  return FAMILIES.find((f) => f.test.test(name))?.family;
}
