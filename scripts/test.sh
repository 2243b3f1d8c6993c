#!/usr/bin/env bash
# `npm test`: typecheck, unit tests (vitest), production build, e2e tests
# (Playwright on the system Chromium), then one summary line:
#
#   Tests: N passed, M failed[, K skipped]
#
# Unit and e2e tests both run even if the other (or the typecheck) fails; the
# exit status is non-zero if anything failed. Reports: test-results/unit.json,
# test-results/e2e.json.
#
# Chromium: $CHROMIUM_PATH, else /usr/bin/chromium, else (as root with apt)
# `apt-get install -y chromium`. Playwright's own browser downloads are not
# used (they need a CDN we can't reach).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step_start=0
step() { # step NAME — print a header and start a timer
  step_start=$SECONDS
  printf '\n=== %s ===\n' "$1"
}
step_done() { # step_done NAME RC
  local secs=$((SECONDS - step_start))
  if [ "$2" -eq 0 ]; then
    printf '=== %s: ok (%ss) ===\n' "$1" "$secs"
  else
    printf '=== %s: FAILED, exit %s (%ss) ===\n' "$1" "$2" "$secs"
  fi
  timings+=("$1 ${secs}s")
}
timings=()

# --- dependencies -----------------------------------------------------------
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
  { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  step 'npm install'
  npm install --no-audit --no-fund
  step_done 'npm install' 0
fi

# --- Chromium ---------------------------------------------------------------
if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ ! -x "$CHROMIUM_PATH" ]; then
    echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file." >&2
    exit 1
  fi
elif [ -x /usr/bin/chromium ]; then
  CHROMIUM_PATH=/usr/bin/chromium
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  step 'apt-get install chromium'
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  step_done 'apt-get install chromium' 0
  CHROMIUM_PATH=/usr/bin/chromium
else
  cat >&2 <<'EOF'
The e2e tests need Chromium and none was found.
Install it, e.g. on Debian/Ubuntu:

    sudo apt-get install -y chromium

or point CHROMIUM_PATH at a Chromium/Chrome binary:

    CHROMIUM_PATH=/path/to/chrome npm test
EOF
  exit 1
fi
export CHROMIUM_PATH
echo "Chromium: $CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null || echo 'version unknown'))"

mkdir -p test-results
rm -f test-results/unit.json test-results/e2e.json

# --- typecheck --------------------------------------------------------------
step 'typecheck (tsc -b)'
tsc_rc=0
npx tsc -b || tsc_rc=$?
step_done 'typecheck (tsc -b)' "$tsc_rc"

# --- unit tests -------------------------------------------------------------
step 'unit tests (vitest)'
unit_rc=0
npx vitest run --passWithNoTests \
  --reporter=default --reporter=json --outputFile.json=test-results/unit.json || unit_rc=$?
step_done 'unit tests (vitest)' "$unit_rc"

# --- build ------------------------------------------------------------------
# Plain `vite build` (the typecheck ran above): e2e tests run on dist/.
step 'build (vite build)'
build_rc=0
npx vite build || build_rc=$?
npm run ext:build || build_rc=$? # the VS Code extension, for e2e/vscode-*.spec.ts
step_done 'build (vite build)' "$build_rc"

# --- e2e tests --------------------------------------------------------------
e2e_rc=0
if [ "$build_rc" -eq 0 ]; then
  step 'e2e tests (playwright)'
  npx playwright test || e2e_rc=$?
  step_done 'e2e tests (playwright)' "$e2e_rc"
else
  echo 'Skipping e2e tests: the build failed.'
  e2e_rc=1
fi

# --- summary ----------------------------------------------------------------
printf '\n=== summary ===\n'
printf '  %s\n' "${timings[@]}"
[ "$tsc_rc" -eq 0 ] || echo "  typecheck FAILED (exit $tsc_rc)"
[ "$build_rc" -eq 0 ] || echo "  build FAILED (exit $build_rc)"
summary_rc=0
node - "$unit_rc" "$e2e_rc" <<'EOF' || summary_rc=$?
const fs = require('node:fs');
const [unitRc, e2eRc] = process.argv.slice(2).map(Number);
const read = (f) => { try { return JSON.parse(fs.readFileSync(f, 'utf8')); } catch { return null; } };
let passed = 0, failed = 0, skipped = 0, bad = false;

const unit = read('test-results/unit.json');
if (unit) {
  // Jest-style report (vitest json reporter)
  passed += unit.numPassedTests ?? 0;
  failed += unit.numFailedTests ?? 0;
  skipped += (unit.numPendingTests ?? 0) + (unit.numTodoTests ?? 0);
  const brokenFiles = (unit.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'));
  for (const f of brokenFiles) console.log(`  unit: test file failed to run: ${f.name}${f.message ? `\n    ${f.message.split('\n')[0]}` : ''}`);
  if (unit.success === false || brokenFiles.length) bad = true;
  console.log(`  unit: ${unit.numPassedTests ?? 0} passed, ${unit.numFailedTests ?? 0} failed, ${unit.numTotalTests ?? 0} total in ${unit.numTotalTestSuites ?? 0} suites`);
} else {
  console.log('  unit: no report (test-results/unit.json missing)');
  bad = true;
}

const e2e = read('test-results/e2e.json');
if (e2e) {
  const s = e2e.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  for (const err of e2e.errors ?? []) console.log(`  e2e error: ${(err.message ?? String(err)).split('\n')[0]}`);
  if ((e2e.errors ?? []).length) bad = true;
  console.log(`  e2e: ${s.expected ?? 0} passed, ${s.unexpected ?? 0} failed, ${s.flaky ?? 0} flaky, ${s.skipped ?? 0} skipped (${Math.round((s.duration ?? 0) / 1000)}s)`);
} else {
  console.log('  e2e: no report (test-results/e2e.json missing)');
  bad = true;
}

if (unitRc !== 0 || e2eRc !== 0) bad = true;
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(bad || failed > 0 ? 1 : 0);
EOF

if [ "$tsc_rc" -ne 0 ] || [ "$build_rc" -ne 0 ] || [ "$summary_rc" -ne 0 ]; then
  exit 1
fi
