#!/usr/bin/env bash
# cqlsh (the Cassandra shell, from PyPI) in a virtualenv under the cache, installed on first use.
#   bash scripts/cqlsh.sh [cqlsh arguments]      e.g. bash scripts/cqlsh.sh 127.0.0.1 -e 'DESCRIBE KEYSPACES'
# cqlsh 6.2.2 is the newest release; it runs on Python 3.11 and talks to Cassandra 5.0.
set -euo pipefail
CQLSH_VERSION=6.2.2
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/vn-stock-stream/cqlsh-$CQLSH_VERSION"
if [ ! -x "$VENV/bin/cqlsh" ]; then
  command -v python3 >/dev/null || { echo 'cqlsh needs python3 (Debian: apt-get install python3 python3-venv)' >&2; exit 1; }
  echo "installing cqlsh $CQLSH_VERSION from PyPI into $VENV" >&2
  python3 -m venv "$VENV" || { echo 'python3 -m venv failed (Debian: apt-get install python3-venv)' >&2; exit 1; }
  "$VENV/bin/pip" install -q --disable-pip-version-check "cqlsh==$CQLSH_VERSION" >&2
fi
exec "$VENV/bin/cqlsh" "$@"
