#!/usr/bin/env bash
# The project's test command (`npm test`): type-check, lint, then every test file in two
# runs of `node --test`: the unit files (CPU-light, no emulators, no child processes) at a
# higher concurrency, then the *.integration.test.ts files (emulators, simulators, child
# processes, real sockets) at 2, so they do not starve each other of the machine's cores.
# One exit code: non-zero if any phase failed (both test runs always run).
# Usage: scripts/test.sh [--unit]   (--unit skips *.integration.test.ts)
# Env: TEST_UNIT_CONCURRENCY (default 4), TEST_INTEGRATION_CONCURRENCY (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
phase_started=$started
timings=()
phase_done() {
  local now
  now=$(date +%s)
  timings+=("$1 $((now - phase_started)) s")
  phase_started=$now
}

echo '== type-check (tsc --noEmit)'
npx tsc --noEmit -p tsconfig.json
phase_done 'type-check'
echo '== lint and format (biome check)'
npx biome check .
phase_done 'lint'

all=$(find test -name '*.test.ts' | sort)
unit=$(echo "$all" | grep -v '\.integration\.test\.ts$' || true)
integration=$(echo "$all" | grep '\.integration\.test\.ts$' || true)
if [ "${1:-}" = "--unit" ]; then integration=''; fi
if [ -z "$unit$integration" ]; then echo 'no test files found' >&2; exit 1; fi

# A hung test fails after 5 minutes instead of holding CI until its limit.
run_tests() {
  local concurrency=$1
  shift
  # shellcheck disable=SC2086
  node --import tsx --test --test-concurrency="$concurrency" --test-timeout=300000 --test-reporter=spec "$@"
}

status=0
if [ -n "$unit" ]; then
  echo "== unit tests ($(echo "$unit" | wc -l) files, concurrency ${TEST_UNIT_CONCURRENCY:-4})"
  # shellcheck disable=SC2086
  run_tests "${TEST_UNIT_CONCURRENCY:-4}" $unit || status=1
  phase_done 'unit tests'
fi
if [ -n "$integration" ]; then
  echo "== integration tests ($(echo "$integration" | wc -l) files, concurrency ${TEST_INTEGRATION_CONCURRENCY:-2})"
  # shellcheck disable=SC2086
  run_tests "${TEST_INTEGRATION_CONCURRENCY:-2}" $integration || status=1
  phase_done 'integration tests'
fi

echo "== timings: $(printf '%s; ' "${timings[@]}")total $(($(date +%s) - started)) s"
if [ "$status" -ne 0 ]; then echo '== some tests failed (see above)' >&2; fi
exit "$status"
