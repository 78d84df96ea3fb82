#!/usr/bin/env bash
# Publish authorization benchmark (see docs/benchmarks.md, "Publish authorization"): on_publish answer latency of
# a known-keys gateway from its warm cache, on a cold miss and for an unknown key, beside an open-mode gateway in
# the same run, against a fake Supabase answering in 50 ms (PublishAuthBenchmark).
#
#   bench/auth/run.sh [RUNS]      (default 3 runs)
#
# Environment (all optional):
#   REBUILD=1          ./mvnw -B -q install -DskipTests first (otherwise hook-gateway/target/hook-gateway.jar is used as
#                      it is; it is built and installed when it or the local Maven repository's copy is missing)
#   AUTH_LATENCY_MS=50 the fake directory's latency per request
#   AUTH_CHANNELS=1000 channels in the warm cache;  AUTH_ROUNDS=2000 measured rounds;  AUTH_WARMUP=300 warm-up rounds
#
#   QUIET_WAIT=600     before each run, wait up to this many seconds for 3 s in which the (shared) machine is at
#                      least 60% idle; the run then starts anyway, and its report shows how busy the machine was
#
# Needs RabbitMQ with the management plugin on localhost (or TEST_RABBITMQ_HOST) and the SRS fixtures in
# the repository's test-fixtures/srs. Figures are printed and written to
# pipeline-tests/target/benchmarks/publish-auth-*.txt, the gateways' logs to pipeline-tests/target/benchmarks/logs/.
set -euo pipefail

RUNS=${1:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

# the benchmark module resolves the services from the local Maven repository, so they must be installed there
if [ "${REBUILD:-0}" = 1 ] || [ ! -f hook-gateway/target/hook-gateway.jar ] \
	|| [ ! -d "${HOME}/.m2/repository/dev/streamctl/hook-gateway" ]; then
	./mvnw -B -q install -DskipTests
fi

PROPS=(-Dbench.runs="$RUNS")
[ -n "${QUIET_WAIT:-}" ] && PROPS+=(-Dbench.quietWait="$QUIET_WAIT")
[ -n "${AUTH_LATENCY_MS:-}" ] && PROPS+=(-Dbench.auth.latency.ms="$AUTH_LATENCY_MS")
[ -n "${AUTH_CHANNELS:-}" ] && PROPS+=(-Dbench.auth.channels="$AUTH_CHANNELS")
[ -n "${AUTH_ROUNDS:-}" ] && PROPS+=(-Dbench.auth.rounds="$AUTH_ROUNDS")
[ -n "${AUTH_WARMUP:-}" ] && PROPS+=(-Dbench.auth.warmup="$AUTH_WARMUP")

# *Benchmark classes are in no default include of surefire or failsafe: -Dit.test names it for failsafe,
# -Dtest=NONE keeps surefire's unit tests out
exec ./mvnw -B verify -pl pipeline-tests -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
	-Dit.test=PublishAuthBenchmark "${PROPS[@]}"
