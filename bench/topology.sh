#!/usr/bin/env bash
# What each hop of a scaled-out deployment costs per call, in one run: the same GetOrder and mixed
# load (70 % GetOrder, 10 % ListOrders, 20 % CreateOrder) at CONCURRENCY calls in flight, through
#   direct        load generator -> one instance                        (the reference)
#   nginx-1       load generator -> nginx -> one instance
#   nginx-2       load generator -> nginx -> two instances
#   client-2      load generator balancing round robin -> two instances, no proxy
#   standby       load generator -> one instance reading on a standby (asynchronous replication)
#   standby-sync  the same, the primary with synchronous_commit = remote_apply (read-your-writes)
# on a PostgreSQL primary and a streaming standby of the run's own (initdb and pg_basebackup in a
# temporary directory, loopback ports from PORT_BASE), seeded with bin/client seed. For each run: calls/s,
# p50 and p99 at the client, and the CPU time per call of each process from /proc (load generator,
# nginx, the instances' JVMs, primary, standby). Writes the table into docs/benchmarks.md between its
# markers, below the hand-written line (bench/run.sh keeps it); raw results in bench/target/topology.
# bench/run.sh runs it at its end (TOPOLOGY=0 to skip). About 6 minutes with the defaults.
#
# Settings (environment): DURATION seconds measured per run (10), WARMUP seconds before it (3),
# SERVER_WARMUP seconds of mixed calls on each instance first (10), CONCURRENCY (32), ORDERS seeded
# (50000; CUSTOMERS 2000, PRODUCTS 500), PORT_BASE (29600: nginx on it and +1, instances +2 to +4,
# primary +5, standby +6), SERVER_JAVA_OPTS (-Xmx256m, as bin/run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bin/jdk.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
SERVER_WARMUP=${SERVER_WARMUP:-10}
CONCURRENCY=${CONCURRENCY:-32}
CUSTOMERS=${CUSTOMERS:-2000} PRODUCTS=${PRODUCTS:-500} ORDERS=${ORDERS:-50000}
PORT_BASE=${PORT_BASE:-29600}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx256m}
read -ra server_jvm <<<"$SERVER_JAVA_OPTS"

nginx1_port=$PORT_BASE nginx2_port=$((PORT_BASE + 1))
a_port=$((PORT_BASE + 2)) b_port=$((PORT_BASE + 3)) s_port=$((PORT_BASE + 4))
primary_port=$((PORT_BASE + 5)) standby_port=$((PORT_BASE + 6))
results=$root/bench/target/topology
java=("$JAVA_HOME/bin/java" "${QUIET_JVM_OPTIONS[@]}")
client=("${java[@]}" -jar client/target/order-client.jar)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres=()
[ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)
work=$(mktemp -d /tmp/orders-topology.XXXXXX)
pids=()
log() { echo "[$(date +%T)] $*" >&2; }

cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for dir in "$work"/nginx-*; do
        [ -d "$dir" ] && deploy/nginx/down --dir "$dir"
    done
    for node in standby primary; do
        [ -f "$work/$node/postmaster.pid" ] && "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/$node" stop -m immediate >/dev/null
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for port in $(seq "$PORT_BASE" $((PORT_BASE + 6))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port is taken: set PORT_BASE" >&2
        exit 1
    fi
done
wait_for_port() {
    for _ in $(seq 120); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.5
    done
    echo "nothing listens on port $1; see $results/*.log" >&2
    exit 1
}
psql_primary() { psql -h 127.0.0.1 -p "$primary_port" -U postgres -d postgres -Atqc "$1"; }

rm -rf "$results"
mkdir -p "$results"
log "building the service and the client"
mvn -B -q -DskipTests -pl server,client -am package

log "a primary on $primary_port and a standby on $standby_port in $work"
[ "$(id -u)" = 0 ] && chown postgres "$work"
"${as_postgres[@]}" "$pg_bin/initdb" -D "$work/primary" -U postgres -A trust -E UTF8 --locale=C >"$results/initdb.log"
# As the shared PostgreSQL the other rows of docs/benchmarks.md ran on: fsync and synchronous commit on.
cat >>"$work/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = '$work'
wal_level = replica
max_wal_senders = 4
max_connections = 100
shared_buffers = 128MB
EOF
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/primary" -w -l "$work/primary.log" start >/dev/null
"${as_postgres[@]}" "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$work/standby" -R -X stream -c fast
echo "port = $standby_port" >>"$work/standby/postgresql.conf"
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/standby" -w -l "$work/standby.log" start >/dev/null

start_instance() { # NAME PORT [REPLICA_URL]
    DB_URL=jdbc:postgresql://127.0.0.1:$primary_port/postgres DB_USER=postgres SERVER_PORT=$2 DB_REPLICA_URL=${3:-} \
        "${java[@]}" "${server_jvm[@]}" -jar server/target/order-server.jar >"$results/$1.log" 2>&1 &
    pids+=($!)
    eval "${1}_pid=$!"
    wait_for_port "$2"
}
start_instance a "$a_port" # migrates the schema, which the seed needs
log "seeding $ORDERS orders"
"${client[@]}" seed --db-url "jdbc:postgresql://127.0.0.1:$primary_port/postgres" --customers "$CUSTOMERS" \
    --products "$PRODUCTS" --orders "$ORDERS" 2>"$results/seed.txt"
psql_primary "VACUUM ANALYZE" >/dev/null
start_instance b "$b_port"
start_instance s "$s_port" "jdbc:postgresql://127.0.0.1:$standby_port/postgres"
deploy/nginx/up --dir "$work/nginx-1" --port "$nginx1_port" --upstream "127.0.0.1:$a_port" 2>/dev/null
deploy/nginx/up --dir "$work/nginx-2" --port "$nginx2_port" --upstream "127.0.0.1:$a_port,127.0.0.1:$b_port" 2>/dev/null

load() { # TARGET RPC DURATION [JSON]
    "${client[@]}" --target "$1" load --rpc "$2" --concurrency "$CONCURRENCY" --customers "$CUSTOMERS" \
        --products "$PRODUCTS" --orders "$ORDERS" --warmup "${WARMUP}s" --duration "$3" ${4:+--json "$4"}
}
for port in $a_port $b_port $s_port; do
    log "warming up the instance on $port"
    load "localhost:$port" mixed "${SERVER_WARMUP}s" >/dev/null 2>&1 || true
done

# Clock ticks used so far by each process and its children (the nginx workers, PostgreSQL's backends),
# with what it has reaped of children that ended.
ticks() { # PID...
    local pid
    for pid in "$@"; do
        cat "/proc/$pid/stat"
        for child in $(pgrep -P "$pid"); do cat "/proc/$child/stat" 2>/dev/null || true; done
    done | awk '{s += $14 + $15} NR == 1 {s += $16 + $17} END {print s + 0}'
}
postmaster() { head -1 "$work/$1/postmaster.pid"; }
nginx_pid() { cat "$work/nginx-$1/nginx.pid"; }

run() { # TOPOLOGY RPC TARGET SERVICE-PIDS NGINX-PID(0: none)
    local topology=$1 rpc=$2 target=$3 services=$4 nginx=$5 base=$results/$1-$2
    local before_services before_nginx=0 before_primary before_standby
    before_services=$(ticks $services)
    [ "$nginx" = 0 ] || before_nginx=$(ticks "$nginx")
    before_primary=$(ticks "$(postmaster primary)")
    before_standby=$(ticks "$(postmaster standby)")
    local TIMEFORMAT='%U %S'
    { time load "$target" "$rpc" "${DURATION}s" "$base.json" >"$base.txt" 2>"$base.progress" || true; } 2>"$base.time"
    local nginx_ticks=0
    [ "$nginx" = 0 ] || nginx_ticks=$(($(ticks "$nginx") - before_nginx))
    echo "$topology $rpc $(getconf CLK_TCK) $((WARMUP + DURATION)) $(awk '{print $1 + $2}' "$base.time")" \
        "$nginx_ticks $(($(ticks $services) - before_services)) $(($(ticks "$(postmaster primary)") - before_primary))" \
        "$(($(ticks "$(postmaster standby)") - before_standby))" >"$base.cpu"
    log "$topology $rpc: $(sed -n 2p "$base.txt")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rpc in get-order mixed; do
    run direct "$rpc" "localhost:$a_port" "$a_pid" 0
    run nginx-1 "$rpc" "localhost:$nginx1_port" "$a_pid" "$(nginx_pid 1)"
    run nginx-2 "$rpc" "localhost:$nginx2_port" "$a_pid $b_pid" "$(nginx_pid 2)"
    run client-2 "$rpc" "localhost:$a_port,localhost:$b_port" "$a_pid $b_pid" 0
    run standby "$rpc" "localhost:$s_port" "$s_pid" 0
done
psql_primary "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
psql_primary "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" >/dev/null
psql_primary "SELECT pg_reload_conf()" >/dev/null
for rpc in get-order mixed; do
    run standby-sync "$rpc" "localhost:$s_port" "$s_pid" 0
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The table: per run, calls/s, latency, and CPU µs per call of each process (ticks over the whole
# run, warm-up included, at the measured rate).
table=$results/table.md
{
    echo "<!-- topology: written by bench/topology.sh -->"
    echo "## Scaling out: the cost of each hop"
    echo
    echo "Made by \`DURATION=$DURATION WARMUP=$WARMUP SERVER_WARMUP=$SERVER_WARMUP CONCURRENCY=$CONCURRENCY ORDERS=$ORDERS bench/topology.sh\`"
    echo "on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(nproc) cores, load average before $load_before, after $load_after"
    echo "(1, 5, 15 min; the run's own processes make about 2 of it). $CONCURRENCY calls in flight on one channel, $WARMUP s of warm-up then"
    echo "$DURATION s measured, every instance warmed up first with ${SERVER_WARMUP} s of mixed calls; a primary and a standby of the"
    echo "run's own (PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), fsync and synchronous commit on), $ORDERS orders seeded."
    echo "CPU: µs of CPU time per call, from \`/proc\`, of each process and its children over the whole run."
    echo
    echo "| topology | load | calls/s | p50 ms | p99 ms | failed | load generator | nginx | instances | primary | standby | all | all − direct | p50 − direct |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for rpc in get-order mixed; do
        for topology in direct nginx-1 nginx-2 client-2 standby standby-sync; do
            base=$results/$topology-$rpc
            read -r _ _ hz seconds client_cpu nginx_t service_t primary_t standby_t <"$base.cpu"
            jq -r --arg t "$topology" --arg rpc "$rpc" --argjson hz "$hz" --argjson s "$seconds" \
                --argjson lg "$client_cpu" --argjson ng "$nginx_t" --argjson sv "$service_t" \
                --argjson pr "$primary_t" --argjson sb "$standby_t" '
                def us(ticks): ticks / $hz * 1e6 / (.callsPerSecond * $s);
                [$t, $rpc, .callsPerSecond, .latencyMs.p50, .latencyMs.p99,
                 ((.statusCounts | to_entries | map(select(.key != "OK") | .value) | add) // 0),
                 ($lg * 1e6 / (.callsPerSecond * $s)), us($ng), us($sv), us($pr), us($sb),
                 ($lg * 1e6 / (.callsPerSecond * $s)) + us($ng) + us($sv) + us($pr) + us($sb), .latencyMs.p50] | @tsv' \
                "$base.json" >"$base.row"
        done
    done
    for rpc in get-order mixed; do
        read -r -a direct <"$results/direct-$rpc.row"
        for topology in direct nginx-1 nginx-2 client-2 standby standby-sync; do
            awk -F'\t' -v all="${direct[11]}" -v p50="${direct[12]}" -v name="$topology" '
                BEGIN {
                    label["direct"] = "direct, one instance"; label["nginx-1"] = "nginx, one instance"
                    label["nginx-2"] = "nginx, two instances"; label["client-2"] = "client round robin, two instances"
                    label["standby"] = "one instance, reads on the standby"
                    label["standby-sync"] = "the same, remote_apply"
                }
                {
                    load = $2 == "mixed" ? "mixed" : "GetOrder"
                    delta = name == "direct" ? "" : sprintf("%+.0f", $12 - all)
                    dp50 = name == "direct" ? "" : sprintf("%+.2f", $13 - p50)
                    printf "| %s | %s | %.0f | %.2f | %.1f | %d | %.0f | %s | %.0f | %.0f | %s | %.0f | %s | %s |\n",
                        label[name], load, $3, $4, $5, $6, $7, ($8 > 0 ? sprintf("%.0f", $8) : "–"), $9, $10,
                        ($11 > 0 ? sprintf("%.0f", $11) : "–"), $12, delta, dp50
                }' "$results/$topology-$rpc.row"
        done
    done
    echo "<!-- /topology -->"
} >"$table"

# Into docs/benchmarks.md: in place of the block of the last run, else at the end.
doc=docs/benchmarks.md
if grep -q '^<!-- topology: written by bench/topology.sh -->$' "$doc"; then
    awk -v table="$table" '
        /^<!-- topology: written by bench\/topology.sh -->$/ { while ((getline line < table) > 0) print line; skip = 1; next }
        /^<!-- \/topology -->$/ { skip = 0; next }
        !skip' "$doc" >"$doc.new"
else
    { cat "$doc"; echo; cat "$table"; } >"$doc.new"
fi
mv "$doc.new" "$doc"
log "wrote the topology table into $doc (raw results in $results)"
