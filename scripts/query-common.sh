#!/usr/bin/env bash
# Shared by the scripts/query-*.sh commands (sourced, not run): endpoint, table names,
# the ICT date, and the AWS CLI call. Works unchanged against AWS, LocalStack and the
# embedded runtime; only the endpoint differs.
#
# Endpoint: --endpoint-url URL, else $AWS_ENDPOINT_URL, else the AWS CLI's default (AWS).
# Tables:   $TRADES_TABLE, $QUOTES_TABLE, $BARS_TABLE, $INDICES_TABLE, else
#           <NAME_PREFIX>-trades ... with NAME_PREFIX=vn-stock (the stack's default names).
# Output:   a table by default; --json prints the raw items.
set -euo pipefail

NAME_PREFIX="${NAME_PREFIX:-vn-stock}"
TRADES_TABLE="${TRADES_TABLE:-$NAME_PREFIX-trades}"
QUOTES_TABLE="${QUOTES_TABLE:-$NAME_PREFIX-quotes}"
BARS_TABLE="${BARS_TABLE:-$NAME_PREFIX-bars}"
INDICES_TABLE="${INDICES_TABLE:-$NAME_PREFIX-indices}"

ENDPOINT="${AWS_ENDPOINT_URL:-}"
JSON=0
ARGS=()

# Splits the common flags from the positional arguments (left in ARGS).
parse_common() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --endpoint-url) ENDPOINT="${2:?--endpoint-url needs a URL}"; shift 2 ;;
      --endpoint-url=*) ENDPOINT="${1#*=}"; shift ;;
      --json) JSON=1; shift ;;
      -h|--help) usage; exit 0 ;;
      -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
      *) ARGS+=("$1"); shift ;;
    esac
  done
}

# GNU date (Linux), or gdate from coreutils (macOS).
gnu_date() {
  if date --version >/dev/null 2>&1; then date "$@"; else gdate "$@"; fi
}

# Today in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), YYYY-MM-DD.
ict_today() {
  gnu_date -u -d '+7 hours' +%F
}

# Epoch milliseconds of DATE (YYYY-MM-DD) HH:MM in ICT.
ict_epoch_ms() {
  echo "$(gnu_date -u -d "$1 $2 +0700" +%s)000"
}

# Upper case (symbols and index ids are stored upper case); bash 3 has no ${x^^}.
upper() { printf '%s' "$1" | tr '[:lower:]' '[:upper:]'; }

# Validates a YYYY-MM-DD date and an HH:MM time.
check_date() { [[ "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "not a YYYY-MM-DD date: $1" >&2; exit 2; }; }
check_time() { [[ "$1" =~ ^[0-2][0-9]:[0-5][0-9]$ ]] || { echo "not an HH:MM time: $1" >&2; exit 2; }; }

# Runs the AWS CLI with the endpoint (if any); PROJECTION is the --query for table output.
run_aws() {
  local projection="$1"; shift
  local endpoint=()
  [ -n "$ENDPOINT" ] && endpoint=(--endpoint-url "$ENDPOINT")
  # ${a[@]+...}: an empty array is "unbound" under set -u in bash < 4.4.
  if [ "$JSON" = 1 ]; then
    aws ${endpoint[@]+"${endpoint[@]}"} --output json "$@"
  else
    aws ${endpoint[@]+"${endpoint[@]}"} --output table --query "$projection" "$@"
  fi
}
