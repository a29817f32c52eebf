#!/usr/bin/env bash
# The benchmark, in one run: on one seeded database and at each concurrency, the same RPCs through
#   pgbench     the ceiling: each RPC's SQL straight against PostgreSQL (scripts written from Sql
#               into bench/target/pgbench at each run)
#   service     the order service as shipped (server/target/order-server.jar)
#   baseline    a plain grpc-java + HikariCP + JDBC server running the same statements (bench/)
# called by the Java load generator (bin/client load, random ids, responses counted, not parsed) and,
# for the reads, by h2load with one fixed request (pgbench then reads the same ids), whose cost per
# call is a fraction of the Java client's, so that the ratios show the servers. Then the packets
# each server sends per GetOrder (tcpdump), and docs/benchmarks.md. Takes about 20 minutes with the
# defaults (plus SOAK). Needs pgbench, h2load (Debian: nghttp2-client), curl, tcpdump and jq.
#
# Settings (environment): DURATION seconds measured per run (10), WARMUP seconds before it (5),
# SERVER_WARMUP seconds of mixed calls on each server before the first run (15),
# CONCURRENCY ("1 8 32 128"), H2LOAD_CONCURRENCY in-flight calls of the h2load runs ("8 32"),
# LINES_CONCURRENCY in-flight calls for the 1/5/50-line CreateOrder comparison ("8 32"), CHANNELS
# connections of the load generators (1), PACKET_CALLS GetOrder calls per packet capture (200), SOAK
# seconds of mixed load on the service at 32 in flight at the end, watching its heap (0: none),
# PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), BENCH_DB (orders_bench: dropped and created
# anew), ports SERVICE_PORT (18080), BASELINE_PORT (18090), SERVER_JAVA_OPTS JVM options of both
# servers (-Xmx256m, as bin/run starts the service), TOPOLOGY (1; 0 skips bench/topology.sh, which
# runs at the end, about 6 minutes).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bin/jdk.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
SERVER_WARMUP=${SERVER_WARMUP:-15}
CONCURRENCY=${CONCURRENCY:-1 8 32 128}
H2LOAD_CONCURRENCY=${H2LOAD_CONCURRENCY:-8 32}
LINES_CONCURRENCY=${LINES_CONCURRENCY:-8 32}
CHANNELS=${CHANNELS:-1}
PACKET_CALLS=${PACKET_CALLS:-200}
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
requests=$results/requests
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
bench_java=("${java[@]}" -cp bench/target/order-bench.jar)
db_url=jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB
declare -A grpc_method=([get-order]=GetOrder [list-orders]=ListOrders)
pids=()

for tool in pgbench h2load curl tcpdump jq; do
    command -v "$tool" >/dev/null || { echo "bench/run.sh needs $tool (h2load: apt-get install nghttp2-client)" >&2; exit 1; }
done

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

# A sample of the CPU clock ticks used so far, a line each: "time - EPOCH_SECONDS", "machine - TICKS",
# then "ROLE PID TICKS" for the server SERVER_PID (0: none), the load generator LOAD_PID and each of
# PostgreSQL's processes but the client backends of other databases: the cluster is shared, and so
# is the machine, with other clusters. A backend's title is "postgres: CLUSTER: USER DATABASE
# HOST(PORT) STATE" (or [local]); the other processes' name no client. Few processes are started, so
# that a sample takes little time on a busy machine.
cpu_sample() { # SERVER_PID LOAD_PID
    local postgres pid
    postgres=$(ps -o pid=,args= --ppid "$postmaster_pid" |
        awk -v db=" $BENCH_DB " 'index($0, db) || !/\(|\[local\]/ {print $1}')
    echo "time - $(date +%s.%N)"
    awk '/^cpu / {print "machine", "-", $2 + $3 + $4 + $7 + $8}' /proc/stat
    for pid in "$2" "$1" $postgres; do echo "/proc/$pid/stat"; done |
        { xargs cat 2>/dev/null || true; } | # a process may have ended meanwhile
        awk -v server="$1" -v generator="$2" '{print $1 == generator ? "load" : $1 == server ? "server" : "postgres", $1, $14 + $15}'
}

# What two samples make BASE.cpu of (see CpuWindow.java): clock ticks per second, the times of the
# samples, then the ticks used in between by the machine, the server, PostgreSQL and the load
# generator. A PostgreSQL process that started in between counts from 0.
cpu_window() { # BEFORE AFTER
    awk -v hz="$(getconf CLK_TCK)" '
        NR == FNR { start[$1 " " $2] = $3; next }
        $1 == "time" { printf "%s %s %s", hz, start["time -"], $3; next }
        { used[$1] += $3 - start[$1 " " $2] }
        END { printf " %d %d %d %d\n", used["machine"], used["server"], used["postgres"], used["load"] }
    ' <(echo "$1") <(echo "$2")
}

# Runs a load generator, COMMAND, in the background (its output in BASE.txt and BASE.err) and writes
# BASE.cpu: what each process used over DURATION s from the end of the load's warm-up (WARMUP s).
# Every load generator is told to run two seconds longer, so that it is still running when that
# window closes: the rate and the CPU per call of each system come from the same window.
measure() { # BASE SERVER_PID COMMAND...
    local base=$1 server_pid=$2 load_pid before after
    shift 2
    "$@" >"$base.txt" 2>"$base.err" &
    load_pid=$!
    sleep "$WARMUP"
    before=$(cpu_sample "$server_pid" "$load_pid")
    sleep "$DURATION"
    after=$(cpu_sample "$server_pid" "$load_pid")
    if ! kill -0 "$load_pid" 2>/dev/null; then
        echo "the load generator ended before its measured window did: $base.txt, $base.err" >&2
        exit 1
    fi
    cpu_window "$before" "$after" >"$base.cpu"
    wait "$load_pid" || true # a run with failed calls still has a result
}

metrics() { # SYSTEM PORT FILE: the service's metrics, for its own view of a run (the baseline has none)
    if [ "$1" = service ]; then
        curl -sf "localhost:$2/observe/metrics" >"$3"
    fi
}

run_load() { # SYSTEM PORT RPC CONCURRENCY LINES CASE
    local system=$1 port=$2 rpc=$3 concurrency=$4 lines=$5 case=$6
    local base=$results/$case-$system server_pid
    server_pid=$(eval echo "\${${system}_pid}")
    metrics "$system" "$port" "$base.before.prom"
    measure "$base" "$server_pid" "${java[@]}" -jar client/target/order-client.jar --target "localhost:$port" \
        load --rpc "$rpc" --concurrency "$concurrency" --channels "$CHANNELS" --lines "$lines" --responses count \
        --warmup "${WARMUP}s" --duration "$((DURATION + 2))s" --json "$base.json"
    metrics "$system" "$port" "$base.after.prom"
    log "$case $system: $(sed -n 2p "$base.txt")"
    # A server that fails its calls answers fast: its figures would compare nothing.
    if jq -e '(.statusCounts | to_entries | map(select(.key != "OK") | .value) | add // 0) > .calls / 100' \
        "$base.json" >/dev/null; then
        echo "$case: $system failed more than 1 % of its calls, so the run compares nothing:" >&2
        grep -E 'status|first' "$base.txt" >&2
        exit 1
    fi
}

run_h2load() { # SYSTEM PORT RPC CONCURRENCY CASE
    local system=$1 port=$2 rpc=$3 concurrency=$4 case=$5
    local base=$results/$case-$system server_pid
    server_pid=$(eval echo "\${${system}_pid}")
    metrics "$system" "$port" "$base.before.prom"
    measure "$base" "$server_pid" h2load --clients "$CHANNELS" --max-concurrent-streams $((concurrency / CHANNELS)) \
        --warm-up-time "$WARMUP" --duration $((DURATION + 2)) --data "$requests/$rpc.bin" \
        --header 'content-type: application/grpc' --header 'te: trailers' --log-file "$base.log" \
        "http://127.0.0.1:$port/orders.v1.OrderService/${grpc_method[$rpc]}"
    metrics "$system" "$port" "$base.after.prom"
    "${bench_java[@]}" com.example.orders.bench.LoggedRun h2load "$rpc" "$concurrency" "$CHANNELS" 5 "$base"
    rm -f "$base.log"
    log "$case $system: $(jq -r '"\(.callsPerSecond | round) calls/s, p99 \(.latencyMs.p99) ms"' "$base.json")"
}

run_pgbench() { # SCRIPT RPC CONCURRENCY LINES CASE
    local script=$1 rpc=$2 concurrency=$3 lines=$4 case=$5
    local base=$results/$case-pgbench
    local clients=$((concurrency < pgbench_max_clients ? concurrency : pgbench_max_clients))
    local threads=$((clients < $(nproc) ? clients : $(nproc)))
    measure "$base" 0 pgbench -n -M prepared -c "$clients" -j "$threads" -T $((WARMUP + DURATION + 2)) \
        -D customers=$CUSTOMERS -D products=$PRODUCTS -D orders=$ORDERS \
        -D fixed_order_id="$fixed_order" -D fixed_customer_id="$fixed_customer" \
        -f "bench/target/pgbench/$script" --log --log-prefix="$base.log" "$BENCH_DB"
    "${bench_java[@]}" com.example.orders.bench.LoggedRun pgbench "$rpc" "$concurrency" "$clients" "$lines" "$base"
    rm -f "$base".log.*
    log "$case pgbench ($clients clients): $(jq -r '"\(.callsPerSecond | round) calls/s"' "$base.json")"
}

run_case() { # RPC SCRIPT CONCURRENCY LINES CASE: the three systems, one after the other
    run_pgbench "$2" "$1" "$3" "$4" "$5"
    run_load service "$SERVICE_PORT" "$1" "$3" "$4" "$5"
    run_load baseline "$BASELINE_PORT" "$1" "$3" "$4" "$5"
}

run_h2load_case() { # RPC CONCURRENCY: pgbench on the fixed ids, then h2load on each server
    local case=h2load-$1-c$2
    run_pgbench "$1-fixed.sql" "$1" "$2" 5 "$case"
    run_h2load service "$SERVICE_PORT" "$1" "$2" "$case"
    run_h2load baseline "$BASELINE_PORT" "$1" "$2" "$case"
}

# h2load counts HTTP statuses only, and gRPC answers a failed call with HTTP 200 too, its status in
# the trailers: each server must answer the fixed request with grpc-status 0, or h2load's figures
# would be those of errors.
check_fixed_request() { # PORT RPC
    local headers
    headers=$(curl -sS --http2-prior-knowledge --max-time 10 -o /dev/null -D - --data-binary "@$requests/$2.bin" \
        -H 'content-type: application/grpc' -H 'te: trailers' \
        "http://127.0.0.1:$1/orders.v1.OrderService/${grpc_method[$2]}" | tr -d '\r')
    if ! grep -qx 'grpc-status: 0' <<<"$headers"; then
        printf 'the fixed %s request to port %s did not succeed:\n%s\n' "$2" "$1" "$headers" >&2
        exit 1
    fi
}

# The packets the server on PORT sends for GetOrder: h2load sends the fixed request PACKET_CALLS
# times one at a time, then twice as many, each on a new connection; the difference between the two
# captures leaves the connection's own packets out (handshake, SETTINGS, close). Writes
# packets-SYSTEM.txt: the calls, then the packets and the segments carrying data of each capture.
count_packets() { # SYSTEM PORT
    local system=$1 port=$2 pcap=$results/packets-$1.pcap calls tcpdump_pid counts=()
    # IPv4 total length less the IP and TCP headers: the TCP payload
    local with_data='(ip[2:2] - ((ip[0] & 0x0f) << 2) - ((tcp[12] & 0xf0) >> 2)) > 0'
    for calls in "$PACKET_CALLS" $((2 * PACKET_CALLS)); do
        # immediate mode: each packet is written as it comes, not in blocks that SIGINT would drop
        tcpdump -i lo -nn -U --immediate-mode -w "$pcap" "tcp src port $port" 2>"$pcap.log" &
        tcpdump_pid=$!
        pids+=("$tcpdump_pid")
        for _ in $(seq 50); do grep -qs 'listening on' "$pcap.log" && break; sleep 0.1; done
        h2load --requests "$calls" --clients 1 --max-concurrent-streams 1 --data "$requests/get-order.bin" \
            --header 'content-type: application/grpc' --header 'te: trailers' \
            "http://127.0.0.1:$port/orders.v1.OrderService/GetOrder" >"$results/packets-$system-$calls.txt"
        sleep 0.5 # the last ACKs and FIN
        kill -INT "$tcpdump_pid"
        wait "$tcpdump_pid" || true
        grep -q "$calls succeeded" "$results/packets-$system-$calls.txt" ||
            { echo "h2load's calls for the packet count failed: $results/packets-$system-$calls.txt" >&2; exit 1; }
        counts+=("$(tcpdump -r "$pcap" 2>/dev/null | wc -l)" "$(tcpdump -r "$pcap" "$with_data" 2>/dev/null | wc -l)")
    done
    echo "$PACKET_CALLS ${counts[*]}" >"$results/packets-$system.txt"
    log "packets from $system for $PACKET_CALLS and $((2 * PACKET_CALLS)) calls (all, with data): ${counts[*]}"
}

# The run's full settings, for the report to say how to repeat it.
command="DURATION=$DURATION WARMUP=$WARMUP SERVER_WARMUP=$SERVER_WARMUP CONCURRENCY=\"$CONCURRENCY\""
command+=" H2LOAD_CONCURRENCY=\"$H2LOAD_CONCURRENCY\" LINES_CONCURRENCY=\"$LINES_CONCURRENCY\" CHANNELS=$CHANNELS"
command+=" PACKET_CALLS=$PACKET_CALLS SOAK=$SOAK SERVER_JAVA_OPTS=\"$SERVER_JAVA_OPTS\" bench/run.sh"

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

# The parent of the checkpointer: the postmaster whose children are the PostgreSQL that the runs measure.
postmaster_pid=$(awk '{print $4}' "/proc/$(psql -d "$BENCH_DB" -Atc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")/stat")
# h2load's fixed requests, and the pgbench scripts beside them: an order of 10 lines (the seed's
# orders have 10.5 on average) and a customer with more than a page of orders, from the middle of the ids.
fixed_order=$(psql -d "$BENCH_DB" -Atc "SELECT order_id FROM order_lines WHERE order_id >= $((ORDERS / 2))
    GROUP BY order_id HAVING count(*) = 10 ORDER BY order_id LIMIT 1")
fixed_customer=$(psql -d "$BENCH_DB" -Atc "SELECT customer_id FROM orders WHERE customer_id >= $((CUSTOMERS / 2))
    GROUP BY customer_id HAVING count(*) > 20 ORDER BY customer_id LIMIT 1")
fixed_page_lines=$(psql -d "$BENCH_DB" -Atc "SELECT count(*) FROM order_lines WHERE order_id IN
    (SELECT id FROM orders WHERE customer_id = $fixed_customer ORDER BY id DESC LIMIT 20)")
"${bench_java[@]}" com.example.orders.bench.FixedRequests "$requests" "$fixed_order" "$fixed_customer"
for rpc in get-order list-orders; do
    check_fixed_request "$SERVICE_PORT" "$rpc"
    check_fixed_request "$BASELINE_PORT" "$rpc"
done
"${bench_java[@]}" com.example.orders.bench.PgbenchScripts bench/target/pgbench
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
h2load=$(h2load --version | head -1)
h2load_concurrency=$H2LOAD_CONCURRENCY
lines_concurrency=$LINES_CONCURRENCY
fixed_order=$fixed_order
fixed_customer=$fixed_customer
fixed_page_lines=$fixed_page_lines
customers=$CUSTOMERS
products=$PRODUCTS
orders=$ORDERS
EOF

# JIT-compile every server's paths before anything is measured: mixed calls, unrecorded.
for port in $SERVICE_PORT $BASELINE_PORT; do
    log "warming up the server on port $port"
    "${java[@]}" -jar client/target/order-client.jar --target "localhost:$port" load --rpc mixed \
        --concurrency 32 --warmup 0s --duration "${SERVER_WARMUP}s" --responses count >/dev/null 2>&1 || true
done
count_packets service "$SERVICE_PORT"
count_packets baseline "$BASELINE_PORT"

"$JAVA_HOME/bin/jcmd" "$service_pid" GC.heap_info >"$results/heap-before.txt"
"$JAVA_HOME/bin/jstat" -gc "$service_pid" 1000 >"$results/service-jstat.txt" &
jstat_pid=$!
pids+=("$jstat_pid")

for rpc in get-order list-orders; do
    for concurrency in $H2LOAD_CONCURRENCY; do
        run_h2load_case "$rpc" "$concurrency"
    done
done
for rpc in get-order list-orders create-order; do
    for concurrency in $CONCURRENCY; do
        case $rpc in
            create-order) run_case "$rpc" create-order-5.sql "$concurrency" 5 "create-order-5-c$concurrency" ;;
            *) run_case "$rpc" "$rpc.sql" "$concurrency" 5 "$rpc-c$concurrency" ;;
        esac
    done
done
for concurrency in $LINES_CONCURRENCY; do
    for lines in 1 5 50; do
        case=create-order-$lines-c$concurrency
        [ -f "$results/$case-service.json" ] || run_case create-order "create-order-$lines.sql" "$concurrency" "$lines" "$case"
    done
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

"${bench_java[@]}" com.example.orders.bench.Report "$results" docs/benchmarks.md
log "wrote docs/benchmarks.md (raw results in $results)"

# The cost of each hop of a scaled-out deployment (nginx, a second instance, a standby): a section of
# its own below the hand-written line, on a PostgreSQL of its own.
if [ "${TOPOLOGY:-1}" != 0 ]; then
    stop_servers
    bench/topology.sh
fi
