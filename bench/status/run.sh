#!/usr/bin/env bash
# Status worker benchmarks (see docs/benchmarks.md, "Status worker"):
#   burst    StatusBurstBenchmark: 10,000 publish events against a fake Supabase answering in 20 ms; time until all
#            applied and HTTP calls made (events queued before the worker starts; streamed into a running worker;
#            queued against a store without apply_stream_events, the per-row path; optionally the queued case with
#            another setting; a bare-client reference)
#   outage   StoreOutageBenchmark: a worker with its defaults through a 60 s store outage (503 to every request)
#            with 100 publish events arriving during it: seconds from the recovery until every row is live,
#            readiness DOWN during it and UP after, dead letters (none expected)
#   latency  HookLatencyBenchmark: hook-to-state latency through gateway + broker + worker, p50/p99, beside a
#            store round trip measured in the same run, and with another worker setting
#
#   bench/status/run.sh [burst|latency|outage|all] [RUNS]      (default: all, 3 runs each)
#
# Environment (all optional):
#   REBUILD=1          ./mvnw -B -q install -DskipTests first (otherwise the jars in */target are used as they are;
#                      they are built when missing)
#   EVENTS=10000       burst size;  LATENCY_MS=20  the fake store's latency per request (both benchmarks)
#   BURST_ALT=""       worker settings of the burst's alternative case (NAME=value, separated by ";"), e.g.
#                      BURST_ALT="STATUS_BATCH_SIZE=500"; none by default
#   WARMUP_EVENTS=1000 events the worker applies before the streamed burst (JIT warm-up)
#   HOOK_RATE=20 HOOK_SECONDS=30 HOOK_WARMUP=5   the latency benchmark's on_publish rate and durations
#   HOOK_LOW_RATE=5    the latency benchmark also runs at this rate (0: not)
#   OUTAGE_SECONDS=60 OUTAGE_EVENTS=100   the outage benchmark's outage length and events
#   HOOK_ALT=""        worker settings of a third latency case at HOOK_RATE, e.g. HOOK_ALT=STATUS_BATCH_SIZE=1; none by default
#
#   QUIET_WAIT=600     before each run, wait up to this many seconds for 3 s in which the (shared) machine is at
#                      least 60% idle; the run then starts anyway, and its report shows how busy the machine was
#
# Needs RabbitMQ with the management plugin on localhost (or TEST_RABBITMQ_HOST, see TestBroker) and the SRS
# fixtures in the repository's test-fixtures/srs. Figures are printed and written to
# pipeline-tests/target/benchmarks/*.txt, the services' logs to pipeline-tests/target/benchmarks/logs/.
set -euo pipefail

WHICH=${1:-all}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

case "$WHICH" in
	burst) TESTS=StatusBurstBenchmark ;;
	latency) TESTS=HookLatencyBenchmark ;;
	outage) TESTS=StoreOutageBenchmark ;;
	all) TESTS=StatusBurstBenchmark,HookLatencyBenchmark,StoreOutageBenchmark ;;
	*) echo "usage: $0 [burst|latency|outage|all] [RUNS]" >&2; exit 2 ;;
esac

if [ "${REBUILD:-0}" = 1 ] || [ ! -f status-worker/target/status-worker.jar ] || [ ! -f hook-gateway/target/hook-gateway.jar ]; then
	./mvnw -B -q install -DskipTests
fi

PROPS=(-Dbench.runs="$RUNS")
[ -n "${QUIET_WAIT:-}" ] && PROPS+=(-Dbench.quietWait="$QUIET_WAIT")
[ -n "${EVENTS:-}" ] && PROPS+=(-Dbench.events="$EVENTS")
[ -n "${LATENCY_MS:-}" ] && PROPS+=(-Dbench.latency.ms="$LATENCY_MS")
[ -n "${BURST_ALT+set}" ] && PROPS+=(-Dbench.status.alt="$BURST_ALT")
[ -n "${WARMUP_EVENTS:-}" ] && PROPS+=(-Dbench.status.warmup="$WARMUP_EVENTS")
[ -n "${HOOK_RATE:-}" ] && PROPS+=(-Dbench.hook.rate="$HOOK_RATE")
[ -n "${HOOK_SECONDS:-}" ] && PROPS+=(-Dbench.hook.seconds="$HOOK_SECONDS")
[ -n "${HOOK_WARMUP:-}" ] && PROPS+=(-Dbench.hook.warmup="$HOOK_WARMUP")
[ -n "${HOOK_LOW_RATE:-}" ] && PROPS+=(-Dbench.hook.lowRate="$HOOK_LOW_RATE")
[ -n "${HOOK_ALT:-}" ] && PROPS+=(-Dbench.hook.alt="$HOOK_ALT")
[ -n "${OUTAGE_SECONDS:-}" ] && PROPS+=(-Dbench.outage.seconds="$OUTAGE_SECONDS")
[ -n "${OUTAGE_EVENTS:-}" ] && PROPS+=(-Dbench.outage.events="$OUTAGE_EVENTS")

# *Benchmark classes are in no default include of surefire or failsafe: -Dit.test names them for failsafe,
# -Dtest=NONE keeps surefire's unit tests out
exec ./mvnw -B verify -pl pipeline-tests -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
	-Dit.test="$TESTS" "${PROPS[@]}"
