#!/usr/bin/env bash
# 1-minute bars of a symbol between two ICT times (inclusive) of a trading date (default today).
#   scripts/query-bars.sh [--endpoint-url URL] [--json] SYMBOL FROM_HH:MM TO_HH:MM [YYYY-MM-DD]
# The AWS CLI command it runs:
#   aws dynamodb query --table-name vn-stock-bars --key-condition-expression 'pk = :pk AND sk BETWEEN :from AND :to' \
#     --expression-attribute-values '{":pk":{"S":"FPT#2026-04-14"},":from":{"S":"09:15"},":to":{"S":"10:00"}}'
source "$(dirname "$0")/query-common.sh"
usage() { sed -n '2,3p' "$0" | sed 's/^# //'; }
parse_common "$@"
SYMBOL="${ARGS[0]:?$(usage)}"
FROM="${ARGS[1]:?$(usage)}"
TO="${ARGS[2]:?$(usage)}"
DAY="${ARGS[3]:-$(ict_today)}"
check_time "$FROM"; check_time "$TO"; check_date "$DAY"

run_aws 'Items[].{minute:minute.S,open:open.N,high:high.N,low:low.N,close:close.N,volume:volume.N,trades:trades.N}' \
  dynamodb query --table-name "$BARS_TABLE" \
  --key-condition-expression 'pk = :pk AND sk BETWEEN :from AND :to' \
  --expression-attribute-values "{\":pk\":{\"S\":\"$(upper "$SYMBOL")#$DAY\"},\":from\":{\"S\":\"$FROM\"},\":to\":{\"S\":\"$TO\"}}"
