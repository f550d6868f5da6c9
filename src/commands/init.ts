import { existsSync } from 'node:fs';
import { writeOutputFile } from '../util/output-file.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { exampleQuestionnaireYaml } from '../questionnaire/index.js';
import { exampleWaiversYaml } from '../score/waivers.js';
import { InputError } from '../util/validate.js';
import { guarded } from './errors.js';

export const EXAMPLE_INVENTORY =
  `# socready inventory: what to assess. Validate with: socready inventory ` +
  `validate inventory.yaml
# Secrets never go in this file: name an environment variable (password_env), a key file, or use ssh-agent.
version: 1
organization: Example Corp

defaults:
  ssh: { user: audit, key: ~/.ssh/id_ed25519, sudo: true }   # sudo runs "sudo -n": it never prompts
  timeout: 300                                               # seconds for one whole host

groups:
  dmz:
    tags: [dmz]

targets:
  - id: web-01
    kind: linux
    address: 10.0.0.5
    port: 22
    group: dmz
    ssh:
      user: audit
      key: ./keys/audit_ed25519          # or agent: true, or password_env: AUDIT_PASSWORD
      known_hosts: ./known_hosts         # or pin the key: host_key: "SHA256:..." (ssh-keygen -lf on the host's key)
      sudo: true

  - id: db-01
    kind: linux
    address: db-01.example.internal
    ssh: { known_hosts: ./known_hosts }

  # A mounted disk image or a copied /etc tree, audited offline (like Lynis --rootdir):
  # - id: image-01
  #   kind: linux
  #   address: localhost
  #   transport: local
  #   rootdir: /mnt/image-01

  # A Windows host through PowerShell: WinRM (Invoke-Command), or PowerShell over SSH with winrm.over_ssh: true.
  # - id: dc01
  #   kind: windows
  #   address: dc01.example.local
  #   winrm: { user: EXAMPLE\\audit, password_env: AUDIT_WINRM_PASSWORD, https: true }

  # A web server; its configuration and logs are read through the ssh target named in web.host.
  # - id: shop
  #   kind: web
  #   web:
  #     urls: [https://shop.example.com/]
  #     server: nginx                          # nginx, apache, modsecurity-nginx, modsecurity-apache, squid or auto
  #     host: web-01
  #     config_path: /etc/nginx/nginx.conf     # optional: without it, the configuration of the server ` +
  `answering the URL's port
  #     log_paths: [/var/log/nginx/access.log] # only when the configuration does not say
  #     login: { path: /login, username_field: user, password_field: password }

  # A WAF in front of a site (ModSecurity here), read like a web server.
  # - id: waf-01
  #   kind: waf
  #   address: shop.example.com
  #   web: { urls: [https://shop.example.com/], server: modsecurity-nginx, host: web-01 }

  # A database server (postgresql, mariadb, mysql; mssql and oracle: not yet collected live), read through the linux
  # or windows target named in database.host: its configuration files always, and with a read-only login the live
  # settings (SELECT/SHOW only). --active adds a marked canary query searched for in the server's audit log.
  # PostgreSQL role: CREATE ROLE socready_ro LOGIN PASSWORD '...' IN ROLE pg_read_all_settings;
  # - id: orders-db
  #   kind: database
  #   database:
  #     product: postgresql
  #     host: web-01
  #     user: socready_ro
  #     password_env: SOCREADY_DB_PASSWORD   # the variable's name, never the password
  #     port: 5432                           # or socket: /var/run/postgresql (peer authentication on the host)
  #     tls: { mode: verify-full, ca: /etc/ssl/certs/db-ca.pem }
  #     failed_login_canary: false           # true: with --active, also one login as a marked user that does not exist

  # A SIEM through its REST API, GET only (checks/products/README.md): elasticsearch, opensearch, splunk or wazuh.
  # - id: siem
  #   kind: siem
  #   address: es01.example.com
  #   api: { url: https://es01.example.com:9200, product: elasticsearch, token_env: SOCREADY_ES_KEY }

  # SOAR, EDR, IPS and NDR products take the same api settings. This version has product checks for the four SIEM
  # products above only: another product is listed in the report as not assessed, with the reason.
  # - id: soar
  #   kind: soar
  #   address: soar.example.com
  #   api: { url: https://soar.example.com/api, product: your-soar, token_env: SOCREADY_SOAR_KEY }
  # - id: edr
  #   kind: edr
  #   address: edr.example.com
  #   api: { url: https://edr.example.com/api, product: your-edr, token_env: SOCREADY_EDR_KEY }
  # - id: ips-01
  #   kind: ips
  #   address: ips-01.example.com
  #   api: { url: https://ips-01.example.com/api, product: your-ips, token_env: SOCREADY_IPS_KEY }
  # - id: ndr
  #   kind: ndr
  #   address: ndr.example.com
  #   api: { url: https://ndr.example.com/api, product: your-ndr, token_env: SOCREADY_NDR_KEY }

  # A firewall appliance or a cloud WAF, read from the configuration its own CLI or API exported (README: "Exported
  # configurations" lists the command for each product: fortigate, panos, checkpoint, aws-waf, azure-waf, cloudflare).
  # - id: fw-edge
  #   kind: firewall
  #   export: { product: fortigate, files: [./exports/fw-edge.conf] }
  # - id: waf-cdn
  #   kind: waf
  #   export: { product: aws-waf, files: [./exports/waf-logging.json] }

  # Databases are not a target kind yet (coming).

# Detection rules, playbooks and scenarios; the built-in pack is used when these are absent.
# rules: [./sigma-rules]
# playbooks: [./playbooks]
# scenarios: [./scenarios]           # attack and benign events the sample detections replay
# alerts: [./alerts]                 # sample alerts the playbook dry-runs use
# log_exports: [./exports/sysmon.ndjson.gz]   # real logs: alerts per day a SOAR would act on
# estimate: { siem: siem, days: 30 }        # or count the rules inside a SIEM target, over its retention
# questionnaire: ./questionnaire.yaml
# waivers: ./waivers.yaml
# threat_focus: [G0016, T1190]      # ATT&CK groups or techniques whose coverage matters most
# report: { lang: ja, browser: /usr/bin/chromium }   # report language; Chromium/Chrome for PDF output

# The cost forecast: your own prices (socready ships none; checks/cost/costs.example.yaml has the fields with
# placeholder numbers), and what one phase of the staged logging plan may add. Without prices: volumes only.
# costs: { currency: JPY, ingest_per_gb_day: 1, retention_days: { hot: 90 } }   # placeholders; or ./costs.yaml
# budget: { gb_per_day: 20 }        # or { per_month: 500000 } in the price table's currency

# What exists, per log-source class (checks/sources/sources.yaml lists them), and the attacks the SOC must see. ` +
  `A class not
# listed is "unknown" and caps log-collection scope; false means the estate has none. Checks on reached targets
# decide what is measured; collected: true only says the SIEM is believed to receive it (shown as declared).
# estate:
#   sources:
#     database-audit: { count: 3, products: [PostgreSQL] }
#     firewall: { count: 1, products: [FortiGate] }
#     edr: { products: [CrowdStrike], scope: all Windows endpoints }
#     identity: { products: [Entra ID], collected: true }
#     cloud-control-plane: { products: [AWS CloudTrail] }
#     email-gateway: false
#   use_cases:
#     detect: [sql-injection, credential-stuffing, password-spraying, web-shell, lateral-movement-rdp, exfiltration]
#     automate:
#       - { use_case: sql-injection, playbooks: [native-waf-block] }
`;

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented example inventory.yaml, questionnaire.yaml and waivers.yaml')
    .option('-d, --dir <dir>', 'folder to write into', '.')
    .option('--force', 'overwrite existing files')
    .action((opts: { dir: string; force?: boolean }) =>
      guarded(() => {
        const files: [string, string][] = [
          ['inventory.yaml', EXAMPLE_INVENTORY],
          ['questionnaire.yaml', exampleQuestionnaireYaml()],
          ['waivers.yaml', exampleWaiversYaml()],
        ];
        for (const [name] of files) {
          if (existsSync(join(opts.dir, name)) && !opts.force)
            throw new InputError(join(opts.dir, name), 'exists already (use --force to overwrite)');
        }
        for (const [name, text] of files) {
          writeOutputFile(join(opts.dir, name), text);
          process.stdout.write(`wrote ${join(opts.dir, name)}\n`);
        }
        return 0;
      }),
    );
}
