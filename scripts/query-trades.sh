#!/usr/bin/env bash
# The last N trades of a symbol on a trading date (default: today, ICT), newest first.
#   scripts/query-trades.sh [--endpoint-url URL] [--json] SYMBOL [N=20] [YYYY-MM-DD]
# The AWS CLI command it runs:
#   aws dynamodb query --table-name vn-stock-trades --key-condition-expression 'pk = :pk' \
#     --expression-attribute-values '{":pk":{"S":"FPT#2026-04-14"}}' --no-scan-index-forward --max-items 20
source "$(dirname "$0")/query-common.sh"
usage() { sed -n '2,3p' "$0" | sed 's/^# //'; }
parse_common "$@"
SYMBOL="${ARGS[0]:?$(usage)}"
COUNT="${ARGS[1]:-20}"
DAY="${ARGS[2]:-$(ict_today)}"
check_date "$DAY"
[[ "$COUNT" =~ ^[0-9]+$ ]] || { echo "N must be a number: $COUNT" >&2; exit 2; }

run_aws 'Items[].{time:time.N,price:price.N,quantity:quantity.N,cumVolume:cumVolume.N}' \
  dynamodb query --table-name "$TRADES_TABLE" \
  --key-condition-expression 'pk = :pk' \
  --expression-attribute-values "{\":pk\":{\"S\":\"$(upper "$SYMBOL")#$DAY\"}}" \
  --no-scan-index-forward --max-items "$COUNT"
