#!/usr/bin/env bash
# How late order events reach their readers while orders are placed: the service as built
# (server/target/order-server.jar) on the database bench/run.sh seeds, with the relay to RabbitMQ on;
# at each IN_FLIGHT, the load generator places orders for DURATION seconds while EventLag (bench/)
# holds a WatchOrderEvents stream and a queue bound to the relay's exchange. Prints a Markdown table
# of the lag from the writing transaction's start to arrival: p50, p99, max.
#
# What the outbox costs CreateOrder is bench/compare.sh's work, against the commit before it:
#   CASES="create-order:8 create-order:32" bench/compare.sh 920e895 HEAD
#
# Settings (environment): DURATION (20), IN_FLIGHT ("8 32"), BROKER (amqp://guest:guest@127.0.0.1:5672),
# BENCH_DB (orders_bench), PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), SERVICE_PORT (18080),
# SERVER_WARMUP (15) seconds of mixed calls first.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bin/jdk.sh

DURATION=${DURATION:-20}
IN_FLIGHT=${IN_FLIGHT:-8 32}
BROKER=${BROKER:-amqp://guest:guest@127.0.0.1:5672}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
BENCH_DB=${BENCH_DB:-orders_bench}
SERVICE_PORT=${SERVICE_PORT:-18080}
SERVER_WARMUP=${SERVER_WARMUP:-15}
EXCHANGE=bench-orders

java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
work=$root/bench/target/events
log() { echo "[$(date +%T)] $*" >&2; }

if ! psql -d "$BENCH_DB" -Atc 'SELECT 1 FROM orders LIMIT 1' 2>/dev/null | grep -q 1; then
    echo "no seeded database $BENCH_DB: run bench/run.sh once first" >&2
    exit 1
fi
mvn -B -q -Pbench -Dmaven.test.skip=true -pl proto,server,client,bench package >&2
mkdir -p "$work"

DB_URL=jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB DB_USER=$PGUSER SERVER_PORT=$SERVICE_PORT \
    EVENTS_RABBITMQ_URI=$BROKER EVENTS_RABBITMQ_EXCHANGE=$EXCHANGE \
    "${java[@]}" -Xmx256m -jar server/target/order-server.jar >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 120); do (exec 3<>"/dev/tcp/127.0.0.1/$SERVICE_PORT") 2>/dev/null && break; sleep 0.5; done
load() { "${java[@]}" -jar client/target/order-client.jar --target "localhost:$SERVICE_PORT" load --warmup 0s "$@"; }
# Events left from earlier runs count as published: bench/run.sh's pgbench wrote events whose payloads
# are no orders, which the relay would stop at. The warm-up's are relayed before measuring.
psql -d "$BENCH_DB" -qc 'UPDATE order_events SET published_at = now() WHERE published_at IS NULL' >/dev/null
log "warming up"
load --rpc mixed --concurrency 32 --duration "${SERVER_WARMUP}s" >/dev/null 2>&1 || true
until [ "$(psql -d "$BENCH_DB" -Atc 'SELECT count(*) FROM order_events WHERE published_at IS NULL')" = 0 ]; do
    sleep 1
done

echo "| CreateOrder in flight | reader | events | p50 ms | p99 ms | max ms |"
echo "|---:|---|---:|---:|---:|---:|"
for in_flight in $IN_FLIGHT; do
    log "create-order at $in_flight in flight for ${DURATION}s"
    "${java[@]}" -cp bench/target/order-bench.jar com.example.orders.bench.EventLag \
        "localhost:$SERVICE_PORT" "$BROKER" "$EXCHANGE" $((DURATION + 3)) >"$work/lag-$in_flight.txt" &
    lag=$!
    sleep 1
    load --rpc create-order --concurrency "$in_flight" --duration "${DURATION}s" >"$work/load-$in_flight.txt" 2>&1 || true
    wait $lag
    sed "s/^|/| $in_flight |/" "$work/lag-$in_flight.txt"
done
