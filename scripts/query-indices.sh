#!/usr/bin/env bash
# An index's values over a trading date (default today, ICT), optionally between two ICT times.
#   scripts/query-indices.sh [--endpoint-url URL] [--json] INDEX_ID [YYYY-MM-DD] [FROM_HH:MM TO_HH:MM]
# The AWS CLI command it runs (sort keys are 13-digit epoch ms):
#   aws dynamodb query --table-name vn-stock-indices --key-condition-expression 'pk = :pk AND sk BETWEEN :from AND :to' \
#     --expression-attribute-values '{":pk":{"S":"VNINDEX#2026-04-14"},":from":{"S":"1776132000000"},":to":{"S":"1776153600000"}}'
source "$(dirname "$0")/query-common.sh"
usage() { sed -n '2,3p' "$0" | sed 's/^# //'; }
parse_common "$@"
INDEX_ID="${ARGS[0]:?$(usage)}"
DAY="${ARGS[1]:-$(ict_today)}"
FROM="${ARGS[2]:-00:00}"
TO="${ARGS[3]:-23:59}"
check_date "$DAY"; check_time "$FROM"; check_time "$TO"
FROM_MS="$(ict_epoch_ms "$DAY" "$FROM")"
# The end minute is inclusive: up to its last millisecond.
TO_MS="$(( $(ict_epoch_ms "$DAY" "$TO") + 59999 ))"

run_aws 'Items[].{time:time.N,value:value.N,change:change.N,changePercent:changePercent.N,totalVolume:totalVolume.N,advances:advances.N,declines:declines.N}' \
  dynamodb query --table-name "$INDICES_TABLE" \
  --key-condition-expression 'pk = :pk AND sk BETWEEN :from AND :to' \
  --expression-attribute-values "{\":pk\":{\"S\":\"$(upper "$INDEX_ID")#$DAY\"},\":from\":{\"S\":\"$FROM_MS\"},\":to\":{\"S\":\"$TO_MS\"}}"
