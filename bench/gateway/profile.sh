#!/usr/bin/env bash
# CPU profile of the hook gateway under load, with async-profiler (from Maven Central), per thread.
# Not a benchmark: it shows where the gateway's CPU goes. See docs/benchmarks.md.
#
#   bench/gateway/profile.sh fixed RATE SECONDS      open loop at RATE hooks/s (LoadGen fixed-rate, 64 connections)
#   bench/gateway/profile.sh wrk CONNECTIONS SECONDS closed loop (wrk -t1)
#
# Environment: GATEWAY_JAR (default hook-gateway/target/hook-gateway.jar), OUT (default /tmp/gateway-profile),
# WARMUP_SECONDS=40 (at 2,000 hooks/s before profiling, so that the JIT is done), GATEWAY_PORT=18085.
# Any GATEWAY_* / SPRING_* / LOGGING_* variable reaches the gateway. Needs the local RabbitMQ (guest/guest) with
# its management API, wrk, and Maven (to fetch tools.profiler:async-profiler once).
# Prints the gateway's CPU per hook, its threads' share of a core (and how much of it is in the kernel), and
# the libraries on the stack; the collapsed stacks stay in $OUT/profile.collapsed (flame graph input).
set -euo pipefail
MODE=${1:?fixed or wrk}
LOAD=${2:?rate or connections}
SECONDS_=${3:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-/tmp/gateway-profile}
PORT=${GATEWAY_PORT:-18085}
JAR=${GATEWAY_JAR:-$ROOT/hook-gateway/target/hook-gateway.jar}
API="-u guest:guest http://127.0.0.1:15672/api"
VHOST=bench-profile
AP_VERSION=4.1
mkdir -p "$OUT"
rm -rf "$OUT/spool" "$OUT/lg"
mkdir -p "$OUT/lg/lib" "$OUT/lg/classes"

AP_JAR=$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar
[ -f "$AP_JAR" ] || mvn -q dependency:get -Dartifact=tools.profiler:async-profiler:$AP_VERSION
(cd "$OUT" && unzip -q -o "$AP_JAR" 'linux-x64/*')
AP=$OUT/linux-x64/libasyncProfiler.so
sysctl -q -w kernel.perf_event_paranoid=1 2>/dev/null || true

cp "$JAR" "$OUT/hook-gateway.jar"
(cd "$OUT/lg/lib" && unzip -q -o -j "$OUT/hook-gateway.jar" 'BOOT-INF/lib/amqp-client-*.jar' 'BOOT-INF/lib/slf4j-api-*.jar')
javac -d "$OUT/lg/classes" -cp "$OUT/lg/lib/*" "$HERE/LoadGen.java"
LG=(java -Dslf4j.internal.verbosity=ERROR -Dfixtures="$ROOT/test-fixtures/srs" -cp "$OUT/lg/classes:$OUT/lg/lib/*" LoadGen)

curl -s -o /dev/null -X DELETE $API/vhosts/$VHOST
curl -s -o /dev/null -f -X PUT $API/vhosts/$VHOST
curl -s -o /dev/null -f -X PUT -H 'content-type: application/json' -d '{"configure":".*","write":".*","read":".*"}' \
	$API/permissions/$VHOST/guest
GW_PID=
cleanup() {
	[ -n "$GW_PID" ] && kill "$GW_PID" 2>/dev/null && wait "$GW_PID" 2>/dev/null || true
	curl -s -o /dev/null -X DELETE $API/vhosts/$VHOST || true
}
trap cleanup EXIT
GATEWAY_AUTH_MODE=${GATEWAY_AUTH_MODE:-open} SUPABASE_KEY=${SUPABASE_KEY:-unused} SERVER_PORT=$PORT \
	SPRING_RABBITMQ_VIRTUAL_HOST=$VHOST GATEWAY_DELIVERY_SPOOL_DIRECTORY=$OUT/spool \
	java -jar "$OUT/hook-gateway.jar" > "$OUT/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 120); do curl -s -o /dev/null "http://127.0.0.1:$PORT/actuator/health" && break; sleep 0.5; done
URL=http://127.0.0.1:$PORT/srs/hooks
echo "warm-up: 2000/s for ${WARMUP_SECONDS:-40}s" >&2
"${LG[@]}" fixed-rate "$URL" 2000 "${WARMUP_SECONDS:-40}" --tag w --label warmup > /dev/null

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
agent() { jcmd "$GW_PID" JVMTI.agent_load "$AP" "\"$1\"" > /dev/null; }
agent "start,event=cpu,interval=1ms,threads,file=$OUT/profile.collapsed,collapsed"
t0=$(ticks "$GW_PID")
if [ "$MODE" = fixed ]; then
	"${LG[@]}" fixed-rate "$URL" "$LOAD" "$SECONDS_" --tag p --label profiled | grep -E 'throughput|p50|p99_ms'
	HOOKS=$(echo "$LOAD * $SECONDS_" | bc)
else
	wrk -t1 -c"$LOAD" -d"${SECONDS_}s" -s "$HERE/hooks.lua" "$URL" -- "$ROOT/test-fixtures/srs" p > "$OUT/wrk.txt"
	grep -E 'Requests/sec' "$OUT/wrk.txt"
	HOOKS=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
fi
t1=$(ticks "$GW_PID")
agent "stop,file=$OUT/profile.collapsed,collapsed"
echo "gateway CPU: $(echo "scale=1; ($t1 - $t0) / $SECONDS_" | bc) % of a core; $(echo "scale=3; ($t1 - $t0) * 10 / $HOOKS" | bc) ms per hook ($HOOKS hooks)"
python3 - "$OUT/profile.collapsed" "$SECONDS_" <<'PY'
import collections, re, sys
path, seconds = sys.argv[1], float(sys.argv[2])
threads, kernel, libs, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
prefixes = {'Reactor Netty / Netty': ('reactor/netty', 'io/netty'), 'AMQP client': ('com/rabbitmq',),
            'Spring AMQP': ('org/springframework/amqp',), 'Jackson': ('tools/jackson',), 'logback': ('ch/qos/logback',),
            'Micrometer': ('io/micrometer',), 'our code': ('dev/streamctl',), 'JIT compiler': ('CompileBroker',)}
for line in open(path):
    stack, _, count = line.rstrip().rpartition(' ')
    count = int(count); total += count
    frames = stack.split(';')
    name = re.sub(r'\s*tid=\d+', '', frames[0]).strip('[]')
    name = re.sub(r'-\d+$', '-N', name)
    threads[name] += count
    if frames[-1].endswith('_[k]'):
        kernel[name] += count
    for lib, starts in prefixes.items():
        if any(any(prefix in frame for prefix in starts) for frame in frames):
            libs[lib] += count
print('threads (% of one core, of which in the kernel):')
for name, count in threads.most_common(8):
    print(f'  {100 * count / 1000 / seconds:5.1f} % ({100 * kernel[name] / 1000 / seconds:4.1f} %)  {name}')
print('libraries on the stack (% of the samples):')
for lib, count in libs.most_common():
    print(f'  {100 * count / total:5.1f} %  {lib}')
PY
