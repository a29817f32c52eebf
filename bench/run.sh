#!/usr/bin/env bash
# The benchmark, in one run: on one seeded database and at each concurrency, the same RPCs through
#   pgbench     the ceiling: each RPC's SQL straight against PostgreSQL (scripts written from Sql
#               into bench/target/pgbench at each run)
#   service     the order service as shipped (server/target/order-server.jar)
#   baseline    a plain grpc-java + HikariCP + JDBC server running the same statements (bench/)
# then writes docs/benchmarks.md. Takes about 12 minutes with the defaults (plus SOAK).
#
# Settings (environment): DURATION seconds measured per run (10), WARMUP seconds before it (5),
# SERVER_WARMUP seconds of mixed calls on each server before the first run (15),
# CONCURRENCY ("1 8 32 128"), LINES_CONCURRENCY in-flight calls for the 1/5/50-line CreateOrder
# comparison (8), CHANNELS of the load generator (1), SOAK seconds of mixed load on the service at
# 32 in flight at the end, watching its heap (0: none), PGHOST (127.0.0.1), PGPORT (5432),
# PGUSER (postgres), BENCH_DB (orders_bench: dropped and created anew), ports SERVICE_PORT (18080),
# BASELINE_PORT (18090), SERVER_JAVA_OPTS JVM options of both servers (-Xmx256m, as bin/run starts
# the service), TOPOLOGY (1; 0 skips bench/topology.sh, which runs at the end, about 6 minutes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bin/jdk.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
SERVER_WARMUP=${SERVER_WARMUP:-15}
CONCURRENCY=${CONCURRENCY:-1 8 32 128}
LINES_CONCURRENCY=${LINES_CONCURRENCY:-8}
CHANNELS=${CHANNELS:-1}
SOAK=${SOAK:-0}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx256m}
read -ra server_jvm <<<"$SERVER_JAVA_OPTS"
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
BENCH_DB=${BENCH_DB:-orders_bench}
SERVICE_PORT=${SERVICE_PORT:-18080}
BASELINE_PORT=${BASELINE_PORT:-18090}
# The seed's data set, which the load generator and the pgbench scripts draw ids from.
CUSTOMERS=10000 PRODUCTS=1000 ORDERS=200000
# Every server of the run keeps a pool of this many connections (application.yaml, BaselineServer).
POOL_SIZE=10

results=$root/bench/target/results
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
db_url=jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB
pids=()

log() { echo "[$(date +%T)] $*" >&2; }

stop_servers() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop_servers EXIT

wait_for_port() {
    for _ in $(seq 120); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.5
    done
    echo "nothing listens on port $1; see $results/*.log" >&2
    exit 1
}

start_server() { # NAME PORT COMMAND...: starts it in the background, logging to NAME.log
    local name=$1 port=$2
    shift 2
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port is taken: set ${name^^}_PORT" >&2
        exit 1
    fi
    DB_URL=$db_url DB_USER=$PGUSER SERVER_PORT=$port "$@" >"$results/$name.log" 2>&1 &
    pids+=($!)
    eval "${name}_pid=$!"
    wait_for_port "$port"
}

# CPU clock ticks used so far: by the whole machine, by the process SERVER_PID (0: none) and by
# PostgreSQL (its processes, plus what the postmaster has reaped of those that ended).
cpu_ticks() { # SERVER_PID
    local machine server=0 postgres
    machine=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat)
    [ "$1" = 0 ] || server=$(awk '{print $14 + $15}' "/proc/$1/stat")
    postgres=$(for pid in $(pgrep -u postgres); do cat "/proc/$pid/stat" 2>/dev/null; done |
        awk '{s += $14 + $15 + $16 + $17} END {print s + 0}')
    echo "$machine $server $postgres"
}

# Writes BASE.cpu: clock ticks per second, seconds of load, then the ticks used meanwhile by the
# machine, the server and PostgreSQL.
cpu_used() { # BASE SECONDS BEFORE AFTER
    local before=($3) after=($4)
    echo "$(getconf CLK_TCK) $2 $((after[0] - before[0])) $((after[1] - before[1])) $((after[2] - before[2]))" >"$1.cpu"
}

run_load() { # SYSTEM PORT RPC CONCURRENCY LINES CASE
    local system=$1 port=$2 rpc=$3 concurrency=$4 lines=$5 case=$6
    local base=$results/$case-$system cpu_before server_pid
    server_pid=$(eval echo "\${${system}_pid}")
    if [ "$system" != baseline ]; then
        curl -sf "localhost:$port/observe/metrics" >"$base.before.prom"
    fi
    cpu_before=$(cpu_ticks "$server_pid")
    "${java[@]}" -jar client/target/order-client.jar --target "localhost:$port" load --rpc "$rpc" \
        --concurrency "$concurrency" --channels "$CHANNELS" --lines "$lines" \
        --warmup "${WARMUP}s" --duration "${DURATION}s" --json "$base.json" \
        >"$base.txt" 2>"$base.progress" || true # a run with failed calls still has a result
    cpu_used "$base" $((WARMUP + DURATION)) "$cpu_before" "$(cpu_ticks "$server_pid")"
    if [ "$system" != baseline ]; then
        curl -sf "localhost:$port/observe/metrics" >"$base.after.prom"
    fi
    log "$case $system: $(sed -n 2p "$base.txt")"
}

run_pgbench() { # SCRIPT RPC CONCURRENCY LINES CASE
    local script=$1 rpc=$2 concurrency=$3 lines=$4 case=$5
    local base=$results/$case-pgbench
    local clients=$((concurrency < pgbench_max_clients ? concurrency : pgbench_max_clients))
    local threads=$((clients < $(nproc) ? clients : $(nproc)))
    local cpu_before
    cpu_before=$(cpu_ticks 0)
    pgbench -n -M prepared -c "$clients" -j "$threads" -T "$DURATION" \
        -D customers=$CUSTOMERS -D products=$PRODUCTS -D orders=$ORDERS \
        -f "bench/target/pgbench/$script" --log --log-prefix="$base.log" "$BENCH_DB" >"$base.txt" 2>&1
    cpu_used "$base" "$DURATION" "$cpu_before" "$(cpu_ticks 0)"
    "${java[@]}" -cp bench/target/order-bench.jar com.example.orders.bench.PgbenchResult \
        "$rpc" "$concurrency" "$clients" "$lines" "$base.txt" "$base.log" "$base.json"
    rm -f "$base".log.*
    log "$case pgbench ($clients clients): $(grep -o 'tps = [0-9.]*' "$base.txt")"
}

run_case() { # RPC SCRIPT CONCURRENCY LINES CASE: the three systems, one after the other
    run_pgbench "$2" "$1" "$3" "$4" "$5"
    run_load service "$SERVICE_PORT" "$1" "$3" "$4" "$5"
    run_load baseline "$BASELINE_PORT" "$1" "$3" "$4" "$5"
}

# The run's full settings, for the report to say how to repeat it.
command="DURATION=$DURATION WARMUP=$WARMUP SERVER_WARMUP=$SERVER_WARMUP CONCURRENCY=\"$CONCURRENCY\" LINES_CONCURRENCY=$LINES_CONCURRENCY"
command+=" CHANNELS=$CHANNELS SOAK=$SOAK SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\" bench/run.sh"

rm -rf "$results"
mkdir -p "$results"
log "building the service, the client and the baseline"
mvn -B -q -DskipTests -Pbench -pl server,client,bench -am package

log "creating database $BENCH_DB"
dropdb --if-exists "$BENCH_DB"
createdb "$BENCH_DB"
# The service migrates the schema at start; the seed needs it.
start_server service "$SERVICE_PORT" "${java[@]}" "${server_jvm[@]}" -jar server/target/order-server.jar
log "seeding $BENCH_DB"
"${java[@]}" -jar client/target/order-client.jar seed --db-url "$db_url" --db-user "$PGUSER" \
    --customers $CUSTOMERS --products $PRODUCTS --orders $ORDERS 2>&1 | tee "$results/seed.txt" >&2
start_server baseline "$BASELINE_PORT" "${java[@]}" "${server_jvm[@]}" -jar bench/target/order-bench.jar

"${java[@]}" -cp bench/target/order-bench.jar com.example.orders.bench.PgbenchScripts bench/target/pgbench
# pgbench gets as many clients as the database accepts beside everyone's pools, at most.
pgbench_max_clients=$(psql -d "$BENCH_DB" -Atc "SELECT current_setting('max_connections')::int
    - current_setting('superuser_reserved_connections')::int - 5
    - (SELECT count(*) FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND datname IS DISTINCT FROM '$BENCH_DB')
    - $((3 * POOL_SIZE))")

cat >"$results/env.properties" <<EOF
command=$command
date=$(date -u '+%Y-%m-%d %H:%M UTC')
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs/benchmarks.md' || echo ' (with uncommitted changes)')
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
cores=$(nproc)
memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')
kernel=$(uname -sr)
jdk=$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)
postgres=$(psql -d "$BENCH_DB" -Atc 'SELECT version()' | sed 's/ on .*//')
postgres_settings=$(psql -d "$BENCH_DB" -Atc "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('max_connections', 'shared_buffers', 'synchronous_commit', 'fsync', 'work_mem')")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
duration=$DURATION
warmup=$WARMUP
server_warmup=$SERVER_WARMUP
server_java_opts=$SERVER_JAVA_OPTS
channels=$CHANNELS
pool_size=$POOL_SIZE
pgbench_max_clients=$pgbench_max_clients
lines_concurrency=$LINES_CONCURRENCY
customers=$CUSTOMERS
products=$PRODUCTS
orders=$ORDERS
EOF

# JIT-compile every server's paths before anything is measured: mixed calls, unrecorded.
for port in $SERVICE_PORT $BASELINE_PORT; do
    log "warming up the server on port $port"
    "${java[@]}" -jar client/target/order-client.jar --target "localhost:$port" load --rpc mixed \
        --concurrency 32 --warmup 0s --duration "${SERVER_WARMUP}s" >/dev/null 2>&1 || true
done

"$JAVA_HOME/bin/jcmd" "$service_pid" GC.heap_info >"$results/heap-before.txt"
"$JAVA_HOME/bin/jstat" -gc "$service_pid" 1000 >"$results/service-jstat.txt" &
jstat_pid=$!
pids+=("$jstat_pid")

for rpc in get-order list-orders create-order; do
    for concurrency in $CONCURRENCY; do
        case $rpc in
            create-order) run_case "$rpc" create-order-5.sql "$concurrency" 5 "create-order-5-c$concurrency" ;;
            *) run_case "$rpc" "$rpc.sql" "$concurrency" 5 "$rpc-c$concurrency" ;;
        esac
    done
done
for lines in 1 50; do
    run_case create-order "create-order-$lines.sql" "$LINES_CONCURRENCY" "$lines" "create-order-$lines-c$LINES_CONCURRENCY"
done
if [ "$SOAK" -gt 0 ]; then
    # The live heap (after a full GC) at the start and at the end of the soak tells growth from garbage.
    "$JAVA_HOME/bin/jcmd" "$service_pid" GC.run >/dev/null
    "$JAVA_HOME/bin/jcmd" "$service_pid" GC.heap_info >"$results/heap-soak-start-gc.txt"
    log "soak: mixed load on the service for ${SOAK}s"
    DURATION=$SOAK run_load service "$SERVICE_PORT" mixed 32 5 "soak-mixed-c32"
fi

kill "$jstat_pid"
"$JAVA_HOME/bin/jcmd" "$service_pid" GC.heap_info >"$results/heap-after.txt"
"$JAVA_HOME/bin/jcmd" "$service_pid" GC.run >/dev/null
"$JAVA_HOME/bin/jcmd" "$service_pid" GC.heap_info >"$results/heap-after-gc.txt"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/env.properties"

"${java[@]}" -cp bench/target/order-bench.jar com.example.orders.bench.Report "$results" docs/benchmarks.md
log "wrote docs/benchmarks.md (raw results in $results)"

# The cost of each hop of a scaled-out deployment (nginx, a second instance, a standby): a section of
# its own below the hand-written line, on a PostgreSQL of its own.
if [ "${TOPOLOGY:-1}" != 0 ]; then
    stop_servers
    bench/topology.sh
fi
