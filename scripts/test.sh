#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: system packages, npm packages, build, lint, unit + integration +
# end-to-end tests. Ends with one line "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
# The lockfile lists every platform's optional packages (Biome, esbuild, TypeScript's native compiler), so npm ci
# installs exactly what it pins and never rewrites it.
npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
npm run lint --silent
npx tsc -p tsconfig.check.json
# No test may depend on the day it runs: the unit tests run once more on a clock 1,100 days ahead.
shifted=$(mktemp)
if ! NODE_OPTIONS="--import $PWD/test/helpers/shifted-clock.mjs" npx vitest run test/unit >"$shifted" 2>&1; then
  grep -E "FAIL|×" "$shifted" >&2 || tail -n 40 "$shifted" >&2
  echo "the unit tests above fail on a clock moved 1,100 days ahead: they depend on today's date" >&2
  rm -f "$shifted"
  exit 1
fi
rm -f "$shifted"
result=$(mktemp)
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$result" "$@"
status=$?
set -e
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' "$result" || status=1
rm -f "$result"
exit $status
