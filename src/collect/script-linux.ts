import type { ProbeDef } from '../checks/types.js';
import type { DatabaseProductModule } from '../database/products.js';
import { shellQuote } from '../transport/shell.js';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS } from '../transport/types.js';
import { globCommand } from './glob.js';

/**
 * The POSIX sh script a client runs on a Linux host socready cannot reach. It runs exactly the catalog's read-only
 * probes and writes one JSON evidence file (outputs base64-encoded, so any byte survives) for `scan --evidence`.
 * It needs only sh, head, base64 and date; it writes nothing but its output file and a temporary folder it removes.
 */
export function linuxCollectScript(
  probes: ProbeDef[],
  version: string,
  databases: DatabaseProductModule[] = [],
): string {
  const lines: string[] = [];
  // Database probes of the products asked for (collect-script --database): configuration reads and, as root over the
  // server's own socket, the same read-only SELECT/SHOW statements a live scan runs. Live canaries are never offline.
  const names = databases.map((d) => d.name as string);
  const dbProbes = probes.filter(
    (p) => p.platform === 'database' && p.kind !== 'live' && p.products?.some((x) => names.includes(x)),
  );
  for (const probe of [...probes.filter((p) => p.platform !== 'database' && p.kind !== 'live'), ...dbProbes]) {
    if (probe.kind === 'query') {
      const module = databases.find((d) => probe.products!.includes(d.name) && d.offlineQuery);
      if (!module) continue;
      const timeout = Math.ceil(probe.timeout ?? DEFAULT_TIMEOUT_MS / 1000);
      const command = module.offlineQuery!(probe.query!);
      lines.push(
        `probe ${shellQuote(probe.id)} command ${timeout} ${probe.max_bytes ?? DEFAULT_MAX_BYTES} ` +
          `${shellQuote(command)} ${shellQuote(command)} head`,
      );
      continue;
    }
    const maxBytes = probe.max_bytes ?? DEFAULT_MAX_BYTES;
    const timeout = Math.ceil(probe.timeout ?? DEFAULT_TIMEOUT_MS / 1000);
    let command: string;
    let what: string;
    if (probe.kind === 'command') {
      // A database's configuration probe: no inventory here, so the product's default locations.
      command = probe.command!.replaceAll('@CONFIG@', "''");
      what = probe.command!;
    } else if (probe.kind === 'file') {
      command = `${probe.tail ? 'tail' : 'head'} -c ${maxBytes + 1} -- ${shellQuote(probe.path!)}`;
      what = probe.path!;
    } else {
      command = globCommand(probe.path!, maxBytes);
      what = probe.path!;
    }
    // The same caps as a live scan: glob output holds several files (source.ts reads globs with four times the cap).
    const cap = probe.kind === 'glob' ? maxBytes * 4 : maxBytes;
    lines.push(
      `probe ${shellQuote(probe.id)} ${probe.kind} ${timeout} ${cap} ${shellQuote(what)} ` +
        `${shellQuote(command)} ${probe.tail ? 'tail' : 'head'}`,
    );
  }
  return (
    `#!/bin/sh
# socready ${version} offline evidence collection for Linux.
# Runs read-only commands only and writes one JSON file: sh collect.sh [output.json]
# Run it as root (or the audit account) so audit rules and protected configuration can be read.
# Copy the output back and evaluate it with: socready scan --evidence <file-or-folder>
set -u
umask 077
OUT="\${1:-socready-evidence-$(hostname 2>/dev/null || uname -n).json}"
TMP="$(mktemp -d 2>/dev/null)" || TMP=""
if [ -z "$TMP" ]; then TMP="/tmp/socready.$$.$(date +%s)"; mkdir -m 700 "$TMP" || exit 1; fi
trap 'rm -rf "$TMP"' EXIT
trap 'rm -rf "$TMP"; exit 130' INT TERM
LC_ALL=C; export LC_ALL
b64() { base64 "$1" 2>/dev/null | tr -d '\\n'; }
jstr() { printf '%s' "$1" | tr -d '\\000-\\037\\177' | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g'; }
osname() { ( . /etc/os-release 2>/dev/null && printf '%s' "\${PRETTY_NAME:-$NAME}" ); }
HAVE_TIMEOUT=0; command -v timeout >/dev/null 2>&1 && HAVE_TIMEOUT=1
FIRST=1
{
  printf '{"format":"socready-evidence","version":1,"platform":"linux","tool_version":"%s",' ${shellQuote(version)}
  printf '"collected_at":"%s",' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '"databases":[%s],' ${shellQuote(names.map((n) => `"${n}"`).join(','))}
  printf '"host":{"hostname":"%s","os":"%s","kernel":"%s"},"probes":{' "$(jstr "$(hostname 2>/dev/null || uname ` +
    `-n)")" "$(jstr "$(osname)")" "$(jstr "$(uname -r)")"
} > "$OUT"
probe() {
  id="$1"; kind="$2"; limit="$3"; cap="$4"; what="$5"; cmd="$6"; keep="$7"
  [ -t 2 ] && printf 'socready: %s\\n' "$id" >&2
  start=$(date +%s)
  if [ "$HAVE_TIMEOUT" = 1 ]; then
    timeout -s KILL "$limit" sh -c "$cmd" > "$TMP/out" 2> "$TMP/err" < /dev/null
  else
    sh -c "$cmd" > "$TMP/out" 2> "$TMP/err" < /dev/null
  fi
  rc=$?
  end=$(date +%s)
  truncated=false
  if [ "$(wc -c < "$TMP/out")" -gt "$cap" ]; then "$keep" -c "$cap" "$TMP/out" > "$TMP/cut"; mv "$TMP/cut" ` +
    `"$TMP/out"; truncated=true; fi
  # Killed by timeout(1): a live scan records this as a timeout (inconclusive), so the evidence says so too.
  err=""
  if [ "$HAVE_TIMEOUT" = 1 ] && { [ "$rc" = 124 ] || [ "$rc" = 137 ]; }; then ` +
    `err=',"error":{"kind":"timeout","message":"timed out after '"$limit"' s"}'; fi
  [ "$FIRST" = 1 ] || printf ',' >> "$OUT"
  FIRST=0
  printf '"%s":{"kind":"%s","what":"%s","exit_code":%s,"duration_ms":%s,"truncated":%s,` +
    `"stdout_b64":"%s","stderr_b64":"%s"%s}' \\
    "$id" "$kind" "$(jstr "$what")" "$rc" "$(( (end - start) * 1000 ))" "$truncated" "$(b64 "$TMP/out")" "$(b64 ` +
    `"$TMP/err")" "$err" >> "$OUT"
}
${lines.join('\n')}
printf '}}\\n' >> "$OUT"
echo "socready: evidence written to $OUT" >&2
`
  );
}
