#!/usr/bin/env bash
# Load benchmark of the hook gateway against the local RabbitMQ, side by side with a reference server that
# answers {"code":0} and does nothing, and with what the same broker confirms to a bare AMQP client.
# See docs/benchmarks.md for what it measures and the figures.
#
#   bench/gateway/run.sh [RUNS]        (default 1 run; with several, the medians are printed at the end)
#
# Environment (all optional):
#   BENCH_OUT        where results go (default /tmp/gateway-bench-YYYYmmdd-HHMMSS); nothing is written in the repo
#   GATEWAY_COMMIT   measure the gateway of this commit: `git archive` of it is built (./mvnw package, no tests)
#                    in /tmp/gateway-bench-src/<commit>, outside the work tree, and reused by later runs
#   GATEWAY_JAR      otherwise, the gateway jar (default hook-gateway/target/hook-gateway.jar, built with ./mvnw
#                    if missing; it holds whatever the work tree had when it was built)
#   REBUILD=1        build the jar even if it exists
#   FIXTURES         directory of the SRS fixtures (default test-fixtures/srs of this repository)
#   RATE=2000 RATE_SECONDS=30 WARMUP_SECONDS=10 SAT_SECONDS=20 BROKER_SECONDS=20
#   SAT_CONNECTIONS="16 64 256"   wrk connections of the saturation phases (one wrk thread each)
#   SWEEP_RATES="500 1000 1500"  extra fixed-rate phases (SWEEP_SECONDS=20 each, after 5 s at the same rate),
#                    before the main one; none by default
#   GATEWAY_AUTH_MODE=open   publish authorization of the gateway (from commit ca0e972 on). The benchmark's keys
#                    belong to no channel and no channel directory runs here, so the default known-keys mode
#                    would refuse them; open measures the hook and delivery path, as the original design had it
#   SUPABASE_KEY     the gateway refuses to start without one (from ca0e972 on), even in open mode where it never
#                    asks the directory; a placeholder is given unless it is set
#   any other GATEWAY_* / SPRING_* variable set in the environment reaches the gateway as well
#   QUIET_MAX_WAIT=600 how long to wait before each run for the (shared) machine to be 85% idle
#   GATEWAY_PORT=18085 REFERENCE_PORT=18086
#   RABBIT_HOST=127.0.0.1 RABBIT_PORT=5672 RABBIT_API=http://127.0.0.1:15672 RABBIT_USER=guest RABBIT_PASSWORD=guest
#
# Every run starts a fresh gateway on fresh vhosts (bench-gw for the gateway, bench-broker for the bare
# client, same topology), and everything it started or created is stopped and deleted on exit.
set -euo pipefail

RUNS=${1:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${BENCH_OUT:-/tmp/gateway-bench-$(date +%Y%m%d-%H%M%S)}
FIXTURES=${FIXTURES:-$ROOT/test-fixtures/srs}
RATE=${RATE:-2000}
RATE_SECONDS=${RATE_SECONDS:-30}
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
SAT_SECONDS=${SAT_SECONDS:-20}
SAT_CONNECTIONS=${SAT_CONNECTIONS:-16 64 256}
BROKER_SECONDS=${BROKER_SECONDS:-20}
GATEWAY_PORT=${GATEWAY_PORT:-18085}
REFERENCE_PORT=${REFERENCE_PORT:-18086}
RABBIT_HOST=${RABBIT_HOST:-127.0.0.1}
RABBIT_PORT=${RABBIT_PORT:-5672}
RABBIT_API=${RABBIT_API:-http://127.0.0.1:15672}
RABBIT_USER=${RABBIT_USER:-guest}
RABBIT_PASSWORD=${RABBIT_PASSWORD:-guest}
GW_VHOST=bench-gw
BROKER_VHOST=bench-broker
GATEWAY_JAR=${GATEWAY_JAR:-$ROOT/hook-gateway/target/hook-gateway.jar}

GW_URL=http://127.0.0.1:$GATEWAY_PORT
REF_URL=http://127.0.0.1:$REFERENCE_PORT
HOOKS=/srs/hooks

mkdir -p "$OUT"
WORK=$OUT/work
mkdir -p "$WORK"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# ------------------------------------------------------------------ cleanup
GW_PID=
REF_PID=
stop_pid() {
	local pid=$1
	[ -n "$pid" ] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
		kill -9 "$pid" 2>/dev/null || true
	fi
}
api() { curl -sS -u "$RABBIT_USER:$RABBIT_PASSWORD" "$@"; }
delete_vhosts() {
	for v in "$GW_VHOST" "$BROKER_VHOST"; do
		api -o /dev/null -X DELETE "$RABBIT_API/api/vhosts/$v" 2>/dev/null || true
	done
}
cleanup() {
	stop_pid "$GW_PID"
	stop_pid "$REF_PID"
	GW_PID=
	REF_PID=
	delete_vhosts
	rm -rf "$WORK/spool"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ preconditions
for p in "$GATEWAY_PORT" "$REFERENCE_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		echo "port $p is already in use; set GATEWAY_PORT / REFERENCE_PORT" >&2
		exit 1
	fi
done
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
api -o /dev/null -f "$RABBIT_API/api/overview" || { echo "RabbitMQ management API not reachable at $RABBIT_API" >&2; exit 1; }

if [ -n "${GATEWAY_COMMIT:-}" ]; then
	MEASURED=$(git -C "$ROOT" rev-parse --short "$GATEWAY_COMMIT")
	SRC=/tmp/gateway-bench-src/$MEASURED
	GATEWAY_JAR=$SRC/hook-gateway/target/hook-gateway.jar
	if [ ! -f "$GATEWAY_JAR" ] || [ "${REBUILD:-0}" = 1 ]; then
		log "building the gateway of commit $MEASURED in $SRC"
		rm -rf "$SRC"
		mkdir -p "$SRC"
		git -C "$ROOT" archive "$MEASURED" | tar -x -C "$SRC"
		(cd "$SRC" && ./mvnw -B -q -DskipTests -pl hook-gateway -am package)
	fi
	MEASURED="commit $MEASURED (built from git archive)"
else
	if [ ! -f "$GATEWAY_JAR" ] || [ "${REBUILD:-0}" = 1 ]; then
		log "building the gateway jar"
		(cd "$ROOT" && ./mvnw -B -q -DskipTests package)
	fi
	MEASURED="$GATEWAY_JAR of $(stat -c '%y' "$GATEWAY_JAR" | cut -d. -f1); work tree at $(git -C "$ROOT" rev-parse --short HEAD)$([ -n "$(git -C "$ROOT" status --porcelain -- hook-gateway common 2>/dev/null)" ] && echo ', hook-gateway/common modified' || true)"
fi
# a private copy, so that a rebuild in the tree during the run cannot change what is measured
cp "$GATEWAY_JAR" "$WORK/hook-gateway.jar"
JAR=$WORK/hook-gateway.jar
# the load generator uses the AMQP client (and its dependencies) that the gateway ships with
rm -rf "$WORK/lib" "$WORK/classes"
mkdir -p "$WORK/lib" "$WORK/classes"
(cd "$WORK/lib" && unzip -q -o -j "$JAR" 'BOOT-INF/lib/amqp-client-*.jar' 'BOOT-INF/lib/slf4j-api-*.jar' 'BOOT-INF/lib/netty-*.jar')
javac -d "$WORK/classes" -cp "$WORK/lib/*" "$HERE/LoadGen.java"
# an array, not a function, so that "${LG[@]}" ... & gives the pid of the JVM itself
LG=(java -Dslf4j.internal.verbosity=ERROR -Dfixtures="$FIXTURES" -cp "$WORK/classes:$WORK/lib/*" LoadGen)

{
	echo "# machine"
	echo "nproc=$(nproc)"
	echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
	echo "java=$(java -version 2>&1 | head -1)"
	echo "rabbitmq=$(api "$RABBIT_API/api/overview" | sed -n 's/.*"rabbitmq_version":"\([^"]*\)".*/\1/p')"
	echo "wrk=$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
	echo "gateway=$MEASURED, jar sha256 $(sha256sum "$GATEWAY_JAR" | cut -c1-12)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

# ------------------------------------------------------------------ helpers
RMQ_PID=$(pgrep -o beam.smp || true)
ticks() { # utime + stime of a process in clock ticks, 0 once it is gone
	local v=
	[ -n "${1:-}" ] && v=$(awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null)
	echo "${v:-0}"
}
machine() { awk '/^cpu /{print $5+$6, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
CLK=$(getconf CLK_TCK)

# runs "$@" in the background and records the CPU (in % of one core) of the gateway, the reference, RabbitMQ,
# the load generator itself, everything else on the machine (other: kernel threads, other users' work) and
# what was left idle, as NAME.cpu_* in $RESULT
with_cpu() {
	local name=$1
	shift
	local g0 f0 r0 i0 t0 g1 f1 r1 i1 t1 l1 s0 s1 pid now
	g0=$(ticks "$GW_PID"); f0=$(ticks "$REF_PID"); r0=$(ticks "$RMQ_PID"); read -r i0 t0 < <(machine); s0=$(date +%s%N)
	"$@" &
	pid=$!
	l1=0
	while kill -0 "$pid" 2>/dev/null; do
		now=$(ticks "$pid")
		[ "$now" -gt "$l1" ] && l1=$now
		sleep 0.5
	done
	wait "$pid"
	g1=$(ticks "$GW_PID"); f1=$(ticks "$REF_PID"); r1=$(ticks "$RMQ_PID"); read -r i1 t1 < <(machine); s1=$(date +%s%N)
	awk -v n="$name" -v ms="$(((s1 - s0) / 1000000))" -v c="$CLK" -v g=$((g1 - g0)) -v f=$((f1 - f0)) -v r=$((r1 - r0)) \
		-v l="$l1" -v i=$((i1 - i0)) -v t=$((t1 - t0)) -v cores="$(nproc)" 'BEGIN { s = ms / 1000
		busy = 100 * cores * (t - i) / t
		printf "%s.cpu_gateway=%.0f\n%s.cpu_reference=%.0f\n%s.cpu_rabbitmq=%.0f\n%s.cpu_loadgen=%.0f\n%s.cpu_other=%.0f\n%s.cpu_idle=%.0f\n",
			n, 100*g/c/s, n, 100*f/c/s, n, 100*r/c/s, n, 100*l/c/s, n, busy - 100*(g+f+r+l)/c/s, n, 100*cores*i/t }' >> "$RESULT"
}

wait_ready() {
	for _ in $(seq 120); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.5
	done
	echo "not ready: $1" >&2
	return 1
}

scrape() { curl -sf "$GW_URL/actuator/prometheus" > "$1"; }
metric_sum() { # metric_sum FILE REGEX -> sum of the values of matching samples
	awk -v re="$2" '$0 ~ re && $0 !~ /^#/ { s += $NF } END { printf "%d\n", s }' "$1"
}

wait_spool_empty() {
	local depth
	for _ in $(seq 240); do
		depth=$(curl -sf "$GW_URL/actuator/prometheus" | awk '/^gateway_spool_depth/ { print int($NF) }')
		[ "$depth" = 0 ] && return 0
		sleep 0.5
	done
	log "the spool did not drain within 120 s (depth $depth)"
}

# wrk_phase NAME URL CONNECTIONS TAG: closed loop for SAT_SECONDS, results NAME.* in $RESULT
wrk_phase() {
	local name=$1 url=$2 conns=$3 tag=$4 out=$RUN_DIR/$1.wrk.txt
	with_cpu "$name" wrk -t1 -c"$conns" -d"${SAT_SECONDS}s" --latency -s "$HERE/hooks.lua" "$url$HOOKS" -- "$FIXTURES" "$tag" > "$out"
	awk -v n="$name" '
		/requests in/ { printf "%s.requests=%s\n", n, $1 }
		/Requests\/sec/ { printf "%s.throughput_per_s=%.0f\n", n, $2 }
		/Non-2xx/ { printf "%s.non2xx=%s\n", n, $NF }
		/Socket errors/ { gsub(",", ""); printf "%s.socket_errors=%d\n", n, $4 + $6 + $8 + $10 }
		function ms(x) { if (x ~ /us$/) return x / 1000; if (x ~ /ms$/) return x + 0; if (x ~ /m$/) return x * 60000; return x * 1000 }
		/^ +50%/ { printf "%s.p50_ms=%.3f\n", n, ms($2) } /^ +99%/ { printf "%s.p99_ms=%.3f\n", n, ms($2) }
		/lua.bad_answers/ { split($0, a, "="); printf "%s.bad_answers=%s\n", n, a[2] }' "$out" >> "$RESULT"
}

# the machine is shared: before a run, wait (up to QUIET_MAX_WAIT seconds, default 600) for 5 s in which at
# least 85% of it was idle, so that a run does not start in the middle of someone's build or test suite
wait_quiet() {
	local i0 t0 i1 t1 waited=0
	while [ "$waited" -lt "${QUIET_MAX_WAIT:-600}" ]; do
		read -r i0 t0 < <(machine); sleep 5; read -r i1 t1 < <(machine)
		if [ $((100 * (i1 - i0) / (t1 - t0))) -ge 85 ]; then
			[ "$waited" -gt 0 ] && log "the machine is quiet again after ${waited}s"
			return 0
		fi
		[ "$waited" = 0 ] && log "the machine is busy ($((100 - 100 * (i1 - i0) / (t1 - t0)))% used); waiting for it to be quiet"
		waited=$((waited + 5))
	done
	log "the machine stayed busy; running anyway (see the cpu_other figures)"
}

# ------------------------------------------------------------------ one run
one_run() {
	local run=$1
	RUN_DIR=$OUT/run-$run
	RESULT=$OUT/run-$run.txt
	mkdir -p "$RUN_DIR"
	: > "$RESULT"
	wait_quiet
	log "run $run of $RUNS -> $RESULT"

	delete_vhosts
	for v in "$GW_VHOST" "$BROKER_VHOST"; do
		api -f -o /dev/null -X PUT "$RABBIT_API/api/vhosts/$v"
		api -f -o /dev/null -X PUT -H 'content-type: application/json' \
			-d '{"configure":".*","write":".*","read":".*"}' "$RABBIT_API/api/permissions/$v/$RABBIT_USER"
	done
	rm -rf "$WORK/spool"

	log "starting the gateway on :$GATEWAY_PORT (vhost $GW_VHOST) and the reference server on :$REFERENCE_PORT"
	GATEWAY_AUTH_MODE=${GATEWAY_AUTH_MODE:-open} SUPABASE_KEY=${SUPABASE_KEY:-unused-by-the-benchmark} SERVER_PORT=$GATEWAY_PORT SPRING_RABBITMQ_HOST=$RABBIT_HOST SPRING_RABBITMQ_PORT=$RABBIT_PORT \
		SPRING_RABBITMQ_USERNAME=$RABBIT_USER SPRING_RABBITMQ_PASSWORD=$RABBIT_PASSWORD \
		SPRING_RABBITMQ_VIRTUAL_HOST=$GW_VHOST GATEWAY_DELIVERY_SPOOL_DIRECTORY=$WORK/spool \
		java -jar "$JAR" > "$RUN_DIR/gateway.log" 2>&1 &
	GW_PID=$!
	"${LG[@]}" reference "$REFERENCE_PORT" > "$RUN_DIR/reference.log" 2>&1 &
	REF_PID=$!
	wait_ready "$GW_URL/actuator/health/readiness" || { tail -30 "$RUN_DIR/gateway.log" >&2; exit 1; }
	wait_ready "$REF_URL/"

	log "warm-up: $((RATE / 2))/s for ${WARMUP_SECONDS}s against each"
	"${LG[@]}" fixed-rate "$REF_URL$HOOKS" $((RATE / 2)) "$WARMUP_SECONDS" --tag a --label warmup_reference > /dev/null
	"${LG[@]}" fixed-rate "$GW_URL$HOOKS" $((RATE / 2)) "$WARMUP_SECONDS" --tag a --label warmup_gateway \
		--answered "$RUN_DIR/answered-warmup.txt" > /dev/null
	wait_spool_empty

	local r sweep_tags=(c d e g h i j k) j=0
	for r in ${SWEEP_RATES:-}; do
		log "fixed rate: $r/s for ${SWEEP_SECONDS:-20}s (after 5s at the same rate), reference then gateway"
		"${LG[@]}" fixed-rate "$REF_URL$HOOKS" "$r" "${SWEEP_SECONDS:-20}" --warmup 5 --tag b --label "fixed${r}_reference" >> "$RESULT"
		wait_spool_empty
		"${LG[@]}" fixed-rate "$GW_URL$HOOKS" "$r" "${SWEEP_SECONDS:-20}" --warmup 5 --tag "${sweep_tags[$j]}" --label "fixed${r}_gateway" \
			--answered "$RUN_DIR/answered-sweep$r.txt" --metrics "$GW_URL/actuator/prometheus" --metrics-out "$RUN_DIR/fixed$r" >> "$RESULT"
		"${LG[@]}" metrics-delta "$RUN_DIR/fixed$r-before.txt" "$RUN_DIR/fixed$r-after.txt" "fixed${r}_gateway" >> "$RESULT"
		wait_spool_empty
		j=$((j + 1))
	done

	log "fixed rate: $RATE/s for ${RATE_SECONDS}s (after ${WARMUP_SECONDS}s at the same rate), reference then gateway"
	with_cpu fixed_reference "${LG[@]}" fixed-rate "$REF_URL$HOOKS" "$RATE" "$RATE_SECONDS" --warmup "$WARMUP_SECONDS" \
		--tag r --label fixed_reference >> "$RESULT"
	wait_spool_empty
	with_cpu fixed_gateway "${LG[@]}" fixed-rate "$GW_URL$HOOKS" "$RATE" "$RATE_SECONDS" --warmup "$WARMUP_SECONDS" \
		--tag f --label fixed_gateway --answered "$RUN_DIR/answered-fixed.txt" \
		--metrics "$GW_URL/actuator/prometheus" --metrics-out "$RUN_DIR/fixed" >> "$RESULT"
	"${LG[@]}" metrics-delta "$RUN_DIR/fixed-before.txt" "$RUN_DIR/fixed-after.txt" fixed_gateway >> "$RESULT"

	local c tags=(s t u v y z)
	local k=0
	for c in $SAT_CONNECTIONS; do
		log "saturation: wrk, 1 thread, $c connections, ${SAT_SECONDS}s, reference then gateway"
		wrk_phase "sat${c}_reference" "$REF_URL" "$c" x
		wait_spool_empty
		sleep 2
		scrape "$RUN_DIR/sat$c-before.txt"
		wrk_phase "sat${c}_gateway" "$GW_URL" "$c" "${tags[$k]}"
		scrape "$RUN_DIR/sat$c-after.txt"
		"${LG[@]}" metrics-delta "$RUN_DIR/sat$c-before.txt" "$RUN_DIR/sat$c-after.txt" "sat${c}_gateway" >> "$RESULT"
		echo "sat${c}_gateway.log_tag=${tags[$k]}" >> "$RESULT"
		k=$((k + 1))
	done

	log "broker limit: bare AMQP client, vhost $BROKER_VHOST, ${BROKER_SECONDS}s each (after 3 s unmeasured)"
	local amqp=amqp://$RABBIT_USER:$RABBIT_PASSWORD@$RABBIT_HOST:$RABBIT_PORT/$BROKER_VHOST
	with_cpu broker_pipelined "${LG[@]}" broker-confirms "$amqp" "$BROKER_SECONDS" pipelined 1000 >> "$RESULT"
	with_cpu broker_sync4 "${LG[@]}" broker-confirms "$amqp" "$BROKER_SECONDS" sync 4 >> "$RESULT"
	with_cpu broker_rate "${LG[@]}" broker-confirms "$amqp" "$BROKER_SECONDS" rate "$RATE" >> "$RESULT"

	log "checking that every event is in RabbitMQ"
	wait_spool_empty
	scrape "$RUN_DIR/final.txt"
	local expected lost spool messages
	expected=$(metric_sum "$RUN_DIR/final.txt" '^gateway_hooks_seconds_count.*outcome="(confirmed|spooled)"')
	lost=$(metric_sum "$RUN_DIR/final.txt" '^gateway_events_total.*outcome="lost"')
	spool=$(metric_sum "$RUN_DIR/final.txt" '^gateway_spool_depth')
	{
		echo "check.gateway_events_confirmed_or_spooled=$expected"
		echo "check.gateway_hooks_confirmed=$(metric_sum "$RUN_DIR/final.txt" '^gateway_hooks_seconds_count.*outcome="confirmed"')"
		echo "check.gateway_hooks_spooled=$(metric_sum "$RUN_DIR/final.txt" '^gateway_hooks_seconds_count.*outcome="spooled"')"
		echo "check.gateway_events_lost=$lost"
		echo "check.gateway_hooks_not_confirmed_or_spooled=$(awk '/^gateway_hooks_seconds_count/ && !/outcome="(confirmed|spooled)"/ { s += $NF } END { printf "%d\n", s }' "$RUN_DIR/final.txt")"
		echo "check.spool_depth=$spool"
	} >> "$RESULT"
	messages=0
	for _ in $(seq 60); do # the management API's count of a stream lags a few seconds
		messages=$(api "$RABBIT_API/api/queues/$GW_VHOST/srs.events.log" | sed -n 's/.*"messages":\([0-9]*\).*/\1/p')
		[ "${messages:-0}" -ge "$expected" ] && break
		sleep 1
	done
	echo "check.mgmt_stream_messages=${messages:-0}" >> "$RESULT"
	"${LG[@]}" verify "amqp://$RABBIT_USER:$RABBIT_PASSWORD@$RABBIT_HOST:$RABBIT_PORT/$GW_VHOST" srs.events.log "$expected" \
		"$RUN_DIR"/answered-*.txt | sed 's/^log\./check.log_/' >> "$RESULT"

	stop_pid "$GW_PID"
	stop_pid "$REF_PID"
	GW_PID=
	REF_PID=
	delete_vhosts
}

# ------------------------------------------------------------------ summary of one result file (or of medians)
summary() { # summary FILE [median]: with "median", FILE holds medians and the per-run event check is left out
	awk -F= -v sat="$SAT_CONNECTIONS" -v rate="$RATE" -v sweep="${SWEEP_RATES:-}" -v median="${2:-}" '
		{ v[$1] = $2; sub(/ .*/, "", v[$1]) }
		function r(a, b) { return (b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
		END {
			printf "\n%-34s %12s %12s %10s\n", "", "reference", "gateway", "gw/ref"
			printf "%-34s %12s %12s %10s\n", "fixed " rate "/s: throughput /s", v["fixed_reference.throughput_per_s"], v["fixed_gateway.throughput_per_s"], r(v["fixed_gateway.throughput_per_s"], v["fixed_reference.throughput_per_s"])
			split("p50 p99 p999 max", q, " ")
			for (i = 1; i <= 4; i++) printf "%-34s %12s %12s %10s\n", "fixed " rate "/s: " q[i] " ms", v["fixed_reference." q[i] "_ms"], v["fixed_gateway." q[i] "_ms"], r(v["fixed_gateway." q[i] "_ms"], v["fixed_reference." q[i] "_ms"])
			ns = split(sweep, sw, " ")
			for (i = 1; i <= ns; i++) {
				f = "fixed" sw[i]
				printf "%-34s %12s %12s %10s\n", f "/s: p50 / p99 / p99.9 ms", v[f "_reference.p50_ms"] "/" v[f "_reference.p99_ms"] "/" v[f "_reference.p999_ms"], v[f "_gateway.p50_ms"] "/" v[f "_gateway.p99_ms"] "/" v[f "_gateway.p999_ms"], "spooled " (v[f "_gateway.hooks_spooled"] + 0)
			}
			printf "%-34s %12s %12s\n", "fixed: errors / bad answers", v["fixed_reference.errors"] "/" v["fixed_reference.bad_answers"], v["fixed_gateway.errors"] "/" v["fixed_gateway.bad_answers"]
			n = split(sat, c, " ")
			for (i = 1; i <= n; i++) {
				printf "%-34s %12s %12s %10s\n", "saturation c" c[i] ": throughput /s", v["sat" c[i] "_reference.throughput_per_s"], v["sat" c[i] "_gateway.throughput_per_s"], r(v["sat" c[i] "_gateway.throughput_per_s"], v["sat" c[i] "_reference.throughput_per_s"])
				printf "%-34s %12s %12s\n", "saturation c" c[i] ": p50 / p99 ms", v["sat" c[i] "_reference.p50_ms"] " / " v["sat" c[i] "_reference.p99_ms"], v["sat" c[i] "_gateway.p50_ms"] " / " v["sat" c[i] "_gateway.p99_ms"]
				printf "%-34s %12s %12s\n", "saturation c" c[i] ": gw confirmed/spooled", "", v["sat" c[i] "_gateway.hooks_confirmed"] "/" v["sat" c[i] "_gateway.hooks_spooled"]
			}
			printf "\nbroker, bare client: pipelined (window 1000) %s/s, 4 publishers waiting for each confirm %s/s\n", v["broker_pipelined_1000.confirms_per_s"], v["broker_sync_4.confirms_per_s"]
			printf "broker, bare client at %s/s (64 channels, publish + wait): p50 %s ms, p99 %s ms, p99.9 %s ms\n", rate, v["broker_rate_" rate ".p50_ms"], v["broker_rate_" rate ".p99_ms"], v["broker_rate_" rate ".p999_ms"]
			best = 0
			for (i = 1; i <= n; i++) if (v["sat" c[i] "_gateway.throughput_per_s"] + 0 > best) best = v["sat" c[i] "_gateway.throughput_per_s"] + 0
			printf "gateway confirm latency at %s/s (its metric, bucket bounds): p50 <= %s ms, p99 <= %s ms, p99.9 <= %s ms; spooled %s\n", rate, v["fixed_gateway.confirm_p50_ms_le"], v["fixed_gateway.confirm_p99_ms_le"], v["fixed_gateway.confirm_p999_ms_le"], v["fixed_gateway.hooks_spooled"] + 0
			printf "gateway saturation (best) / broker pipelined limit: %s / %s = %.0f%%\n", best, v["broker_pipelined_1000.confirms_per_s"], 100 * best / (v["broker_pipelined_1000.confirms_per_s"] + 1e-9)
			printf "events: gateway confirmed+spooled %s, lost %s; stream: %s messages, %s distinct events (mgmt API %s); answered hooks missing from the log: %s of %s\n", v["check.gateway_events_confirmed_or_spooled"], v["check.gateway_events_lost"], v["check.log_messages"], v["check.log_distinct_event_ids"], v["check.mgmt_stream_messages"], v["check.log_answered_missing"], v["check.log_answered_checked"]
			counted = (v["check.log_distinct_event_ids"] == v["check.gateway_events_confirmed_or_spooled"] && v["check.log_answered_missing"] == 0 && v["check.gateway_events_lost"] == 0)
			for (i = 1; i <= n && median == ""; i++) {
				t = v["sat" c[i] "_gateway.log_tag"]
				printf "saturation c%s: wrk got %s answers, the log holds %s events of that phase\n", c[i], v["sat" c[i] "_gateway.requests"], v["check.log_tag_" t]
				if (v["check.log_tag_" t] + 0 < v["sat" c[i] "_gateway.requests"] + 0) counted = 0
			}
			printf "\ncpu, %% of one core (2 cores = 200): %-20s %8s %8s %8s %8s %8s %8s\n", "phase", "gateway", "refer.", "rabbitmq", "loadgen", "other", "idle"
			split("fixed_reference fixed_gateway", ph, " "); np = 2
			for (i = 1; i <= n; i++) { ph[++np] = "sat" c[i] "_reference"; ph[++np] = "sat" c[i] "_gateway" }
			ph[++np] = "broker_pipelined"; ph[++np] = "broker_sync4"; ph[++np] = "broker_rate"
			for (i = 1; i <= np; i++) printf "%37s %-20s %8s %8s %8s %8s %8s %8s\n", "", ph[i], v[ph[i] ".cpu_gateway"], v[ph[i] ".cpu_reference"], v[ph[i] ".cpu_rabbitmq"], v[ph[i] ".cpu_loadgen"], v[ph[i] ".cpu_other"], v[ph[i] ".cpu_idle"]
			worst = 0
			for (k in v) if (k ~ /\.cpu_other$/ && v[k] + 0 > worst) worst = v[k] + 0
			if (worst > 25) printf "\nDISTURBED: something else used up to %d%% of a core during a phase (cpu_other); compare with care\n", worst
			printf "\ntargets: p99 <= 5 ms at %s/s: %s (%s ms); saturation >= 50%% of broker limit: %s (%.0f%%); every event counted: %s\n",
				rate, (v["fixed_gateway.p99_ms"] + 0 <= 5) ? "MET" : "MISSED", v["fixed_gateway.p99_ms"],
				(best >= 0.5 * v["broker_pipelined_1000.confirms_per_s"]) ? "MET" : "MISSED", 100 * best / (v["broker_pipelined_1000.confirms_per_s"] + 1e-9),
				median != "" ? "see each run" : counted ? "MET" : "MISSED"
		}' "$1"
}

results=()
for run in $(seq "$RUNS"); do
	one_run "$run"
	summary "$OUT/run-$run.txt" | tee "$OUT/run-$run.summary.txt"
	results+=("$OUT/run-$run.txt")
done
if [ "$RUNS" -gt 1 ]; then
	"${LG[@]}" median "${results[@]}" > "$OUT/median.txt"
	echo
	echo "=== medians of $RUNS runs (per figure; $OUT/median.txt lists each run's value)"
	{
		summary "$OUT/median.txt" median
		echo
		echo "per run:"
		for run in $(seq "$RUNS"); do
			echo "  run $run: $(grep '^targets:' "$OUT/run-$run.summary.txt" | cut -d' ' -f2-)"
		done
	} | tee "$OUT/median.summary.txt"
fi
echo "results: $OUT"
