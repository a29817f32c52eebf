# Sourced by the scripts in deploy/ha: the machine's PostgreSQL, the newest installed the Debian way
# (/usr/lib/postgresql/VERSION/bin).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ ! -x "$PG_BIN/pg_ctl" ]; then
    echo "No PostgreSQL server under /usr/lib/postgresql: install the Debian package postgresql" >&2
    exit 1
fi
PG_MAJOR=$(basename "$(dirname "$PG_BIN")")
