#!/usr/bin/env bash
# The latest quote of a symbol (one item per symbol, the newest frame wins).
#   scripts/query-quote.sh [--endpoint-url URL] [--json] SYMBOL
# The AWS CLI command it runs:
#   aws dynamodb get-item --table-name vn-stock-quotes --key '{"pk":{"S":"FPT"}}'
source "$(dirname "$0")/query-common.sh"
usage() { sed -n '2,3p' "$0" | sed 's/^# //'; }
parse_common "$@"
SYMBOL="${ARGS[0]:?$(usage)}"

run_aws 'Item.{symbol:symbol.S,time:time.N,lastPrice:lastPrice.N,change:change.N,changePercent:changePercent.N,totalVolume:totalVolume.N,ceiling:ceiling.N,floor:floor.N,reference:reference.N}' \
  dynamodb get-item --table-name "$QUOTES_TABLE" \
  --key "{\"pk\":{\"S\":\"$(upper "$SYMBOL")\"}}"
