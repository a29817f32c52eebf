#!/usr/bin/env bash
# What a change bought: the service as built at each COMMIT, measured on the database that
# bench/run.sh seeds. Every commit's server runs at once; each case runs on every commit one after
# the other, ROUNDS times, the order of the commits reversed every other round, so that a machine
# whose speed drifts weighs on all alike. Per commit and case it prints calls/s, p50 and p99 at the
# client, the service JVM's CPU time per call (user + system from /proc, JIT and GC included): on a
# shared 2-core machine the figure that depends least on what else runs, and PostgreSQL's (its
# background processes and the benchmark database's backends). A Markdown table, means over the rounds.
#
# usage: bench/compare.sh COMMIT...        e.g. bench/compare.sh 37b2ae7 HEAD
#
# Settings (environment): CASES ("get-order:8 get-order:32 list-orders:32 create-order:8",
# rpc:in-flight), DURATION (10) seconds measured per case, SERVER_WARMUP (30) seconds of mixed calls
# on each server first, ROUNDS (3), BENCH_DB (orders_bench), PGHOST (127.0.0.1), PGPORT (5432),
# PGUSER (postgres), SERVICE_PORT (18080: the first commit's, the next ones count up),
# SERVER_JAVA_OPTS (-Xmx256m, as bin/run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source bin/jdk.sh

[ $# -ge 1 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
CASES=${CASES:-get-order:8 get-order:32 list-orders:32 create-order:8}
DURATION=${DURATION:-10}
SERVER_WARMUP=${SERVER_WARMUP:-30}
ROUNDS=${ROUNDS:-3}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
BENCH_DB=${BENCH_DB:-orders_bench}
SERVICE_PORT=${SERVICE_PORT:-18080}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx256m}
read -ra server_jvm <<<"$SERVER_JAVA_OPTS"

work=$root/bench/target/compare
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
log() { echo "[$(date +%T)] $*" >&2; }
server_pids=()
trap 'kill "${server_pids[@]}" 2>/dev/null || true' EXIT

if ! psql -d "$BENCH_DB" -Atc 'SELECT 1 FROM orders LIMIT 1' 2>/dev/null | grep -q 1; then
    echo "no seeded database $BENCH_DB: run bench/run.sh once first" >&2
    exit 1
fi
rm -rf "$work"
mkdir -p "$work"
[ -f client/target/order-client.jar ] || mvn -B -q -Dmaven.test.skip=true -pl client -am package >&2

commits=()
for commit in "$@"; do
    short=$(git rev-parse --short "$commit")
    log "building the service at $short"
    git worktree add -q --detach "$work/src-$short" "$short"
    (cd "$work/src-$short" && mvn -B -q -Dmaven.test.skip=true -pl server -am package) >&2
    mkdir -p "$work/$short"
    cp -r "$work/src-$short/server/target/order-server.jar" "$work/src-$short/server/target/libs" "$work/$short/"
    git worktree remove --force "$work/src-$short"
    commits+=("$short")
done

# Idle but for the one being measured, so that the commits of a case are measured within a minute.
declare -A port pid
for i in "${!commits[@]}"; do
    commit=${commits[i]}
    port[$commit]=$((SERVICE_PORT + i))
    DB_URL=jdbc:postgresql://$PGHOST:$PGPORT/$BENCH_DB DB_USER=$PGUSER SERVER_PORT=${port[$commit]} \
        "${java[@]}" "${server_jvm[@]}" -jar "$work/$commit/order-server.jar" >"$work/$commit.log" 2>&1 &
    pid[$commit]=$!
    server_pids+=("$!")
done
# "PID TICKS" for each of PostgreSQL's background processes and the benchmark database's backends (a
# backend's title names its database; the other processes name no client): clock ticks used so far.
postmaster_pid=$(head -1 "$(psql -d "$BENCH_DB" -Atc 'SHOW data_directory')/postmaster.pid")
postgres_sample() {
    ps -o pid=,args= --ppid "$postmaster_pid" | awk -v db=" $BENCH_DB " 'index($0, db) || !/\(|\[local\]/ {print $1}' |
        sed 's|.*|/proc/&/stat|' | { xargs cat 2>/dev/null || true; } | awk '{print $1, $14 + $15}'
}
# The ticks PostgreSQL used between two samples, process by process: one that started in between
# counts from 0, one that ended in between (a health check's connection) is left out.
postgres_ticks() { # BEFORE AFTER
    awk 'NR == FNR { start[$1] = $2; next } { used += $2 - start[$1] } END { print used + 0 }' <(echo "$1") <(echo "$2")
}
load() { # COMMIT LOAD-OPTIONS...
    local commit=$1
    shift
    "${java[@]}" -jar client/target/order-client.jar --target "localhost:${port[$commit]}" load --warmup 0s "$@"
}
for commit in "${commits[@]}"; do
    for _ in $(seq 120); do (exec 3<>"/dev/tcp/127.0.0.1/${port[$commit]}") 2>/dev/null && break; sleep 0.5; done
    log "warming up $commit"
    load "$commit" --rpc mixed --concurrency 32 --duration "${SERVER_WARMUP}s" >/dev/null 2>&1 || true
done

for round in $(seq "$ROUNDS"); do
    order=("${commits[@]}")
    if [ $((round % 2)) -eq 0 ]; then
        order=(); for ((i = ${#commits[@]} - 1; i >= 0; i--)); do order+=("${commits[i]}"); done
    fi
    for case in $CASES; do
        log "round $round: $case"
        for commit in "${order[@]}"; do
            rpc=${case%%:*} concurrency=${case##*:} json=$work/$commit-$round-${case/:/-c}.json
            before=$(awk '{print $14 + $15}' "/proc/${pid[$commit]}/stat") pg_before=$(postgres_sample)
            load "$commit" --rpc "$rpc" --concurrency "$concurrency" --duration "${DURATION}s" --json "$json" \
                >/dev/null 2>&1 || true
            after=$(awk '{print $14 + $15}' "/proc/${pid[$commit]}/stat") pg_after=$(postgres_sample)
            # clock ticks to microseconds per call
            jq -r --arg c "$commit" --arg case "$case" --argjson ticks $((after - before)) --argjson hz "$(getconf CLK_TCK)" \
                --argjson pg "$(postgres_ticks "$pg_before" "$pg_after")" \
                '[$case, $c, .callsPerSecond, .latencyMs.p50, .latencyMs.p99, ($ticks / $hz * 1e6 / .calls),
                  ((.statusCounts | to_entries | map(select(.key != "OK") | .value) | add) // 0),
                  ($pg / $hz * 1e6 / .calls)] | @tsv' \
                "$json" | tee -a "$work/results.tsv" >&2
        done
    done
done

echo "| case | commit | calls/s | p50 ms | p99 ms | service CPU per call (rounds' range) | PostgreSQL CPU per call (rounds' range) | failed calls |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
awk -F'\t' -v order="${commits[*]}" -v cases="$CASES" '
    {
        key = $1 SUBSEP $2; n[key]++; cps[key] += $3; p50[key] += $4; p99[key] += $5; cpu[key] += $6; failed[key] += $7
        pg[key] += $8
        if (!(key in low) || $6 < low[key]) low[key] = $6
        if (!(key in high) || $6 > high[key]) high[key] = $6
        if (!(key in pglow) || $8 < pglow[key]) pglow[key] = $8
        if (!(key in pghigh) || $8 > pghigh[key]) pghigh[key] = $8
    }
    END {
        split(cases, cs, " "); split(order, os, " ")
        for (i = 1; i in cs; i++) for (j = 1; j in os; j++) {
            key = cs[i] SUBSEP os[j]
            if (n[key]) printf "| %s | %s | %.0f | %.2f | %.1f | %.0f µs (%.0f–%.0f) | %.0f µs (%.0f–%.0f) | %d |\n",
                cs[i], os[j], cps[key] / n[key], p50[key] / n[key], p99[key] / n[key], cpu[key] / n[key], low[key],
                high[key], pg[key] / n[key], pglow[key], pghigh[key], failed[key]
        }
    }' "$work/results.tsv"
