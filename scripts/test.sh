#!/usr/bin/env bash
# The project's test command (`npm test`): type-check, lint, then every test file.
# Usage: scripts/test.sh [--unit]   (--unit skips *.integration.test.ts)
set -euo pipefail
cd "$(dirname "$0")/.."
echo '== type-check (tsc --noEmit)'
npx tsc --noEmit -p tsconfig.json
echo '== lint and format (biome check)'
npx biome check .
pattern='*.test.ts'
files=$(find test -name "$pattern" | sort)
if [ "${1:-}" = "--unit" ]; then files=$(echo "$files" | grep -v '\.integration\.test\.ts$' || true); fi
if [ -z "$files" ]; then echo 'no test files found' >&2; exit 1; fi
echo "== tests ($(echo "$files" | wc -l) files)"
# shellcheck disable=SC2086
# A hung test fails after 5 minutes instead of holding CI until its limit.
exec node --import tsx --test --test-concurrency=2 --test-timeout=300000 --test-reporter=spec $files
