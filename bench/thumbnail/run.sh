#!/usr/bin/env bash
# Thumbnail engine benchmark (issue 12): today's FFmpeg-per-stream worker (reference) and the in-process engine
# (candidate), the real worker jars run side by side in the same run, one at a time, against an HTTP-FLV source
# that behaves like SRS 6's remux, the deployment's RabbitMQ topology and a fake Supabase REST endpoint.
# What it measures and how: docs/benchmarks.md, "Thumbnail engine (issue 12)".
#
#   bench/thumbnail/run.sh [PHASES]      PHASES: any of "cost concurrency ttft" (default: all three, in that order)
#
# Phases (every one alternates the variants within a run and swaps which goes first from run to run):
#   cost         COST_STREAMS streams per worker, COST_WARMUP s of warm-up, then a COST_SECONDS s window: CPU-s per
#                stream-minute of the worker's whole process tree (JVM + FFmpeg children, exited ones included),
#                tree RSS and PSS per stream at the window's end; the source's CPU beside it. COST_RUNS runs.
#   concurrency  per worker a ramp over its levels (CONC_LEVELS_*), CONC_WARMUP s then a CONC_HOLD s window per
#                level; held when every stream's thumbnail was at most CONC_MAX_AGE s old throughout (file
#                mtimes). Result: the largest level held with every level below it held. The ramp goes on past a
#                level not held unless a thumbnail was older than CONC_STOP_AGE s. CONC_RUNS runs.
#   ttft         both workers up at once; TTFT_TRIALS jobs per worker and run for streams already live at the
#                source (GOP cache full), alternating workers: time from the source accepting the worker's
#                connection to the thumbnail file's mtime (p50/p95). TTFT_RUNS runs, TTFT_WARMUP trials first.
#
# Environment (all optional):
#   BENCH_OUT           results (default /tmp/thumbnail-engine-bench-YYYYmmdd-HHMMSS); nothing is written in the repo
#   CACHE_DIR           built reference jars and the generated media, reused (default /tmp/thumbnail-bench-cache)
#   VARIANTS            "reference candidate" (default); "reference" alone for a smoke test before the engine exists
#   REF_COMMIT=6e71c04  the reference: the thumbnail-worker jar of this commit, built once in a temporary git worktree
#                       under /tmp (./mvnw -B -q -DskipTests package -pl thumbnail-worker -am) and cached
#   REF_JAR             a reference jar to use instead
#   CANDIDATE_JAR       default thumbnail-worker/target/thumbnail-worker.jar of this work tree (built the same way
#                       when missing; rebuild it yourself after changing the sources: run.sh warns when it is older)
#   FFMPEG=ffmpeg       makes the media (and is the reference worker's FFmpeg, found on PATH)
#   SOURCE_PORT=19460   the HTTP-FLV source (Source.java), also SRS's /api/v1/streams for SRS_APIS
#   SOURCE_WRITE_MS=350 how often the source writes to each reader (SRS's play.mw_latency default)
#   SOURCE_JAVA_OPTS    JVM options of the source (default -Xmx512m -XX:+UseSerialGC)
#   SRS_API=fake        fake: the workers' SRS_APIS is the source; none: SRS_APIS empty
#   PG_PORT             the fake Supabase REST endpoint (default: a free port)
#   RABBIT_API=http://127.0.0.1:15672 RABBIT_HOST=127.0.0.1 RABBIT_PORT=5672 RABBIT_USER=guest RABBIT_PASSWORD=guest
#   WORKER_JAVA_OPTS    JAVA_TOOL_OPTIONS of both workers (default none: the JVM's defaults, as 6e71c04's image ran them)
#   CANDIDATE_JAVA_OPTS JAVA_TOOL_OPTIONS of the candidate (default: the ENV JAVA_TOOL_OPTIONS of
#                       thumbnail-worker/Dockerfile, as the image runs it; "none" for the JVM's defaults)
#   WORKER_ENV          extra "NAME=value ..." for both workers; REFERENCE_ENV / CANDIDATE_ENV for one of them
#   THUMBNAIL_INTERVAL=10s
#   JOB_RATE=20         jobs published per second when streams are added (0: all at once)
#   COST_RUNS=3 COST_STREAMS=100 COST_WARMUP=60 COST_SECONDS=180
#   CONC_RUNS=3 CONC_LEVELS_REFERENCE="60 90 120" CONC_LEVELS_CANDIDATE="100 200 300 400" CONC_WARMUP=30
#   CONC_HOLD=120 CONC_MAX_AGE=12 CONC_STOP_AGE=24
#   TTFT_RUNS=3 TTFT_TRIALS=20 TTFT_WARMUP=2 TTFT_TIMEOUT=30
#
# Smoke test (reference only, a few minutes):
#   VARIANTS=reference COST_RUNS=1 COST_STREAMS=3 COST_WARMUP=20 COST_SECONDS=30 CONC_RUNS=1 \
#     CONC_LEVELS_REFERENCE="2 3" CONC_WARMUP=15 CONC_HOLD=30 TTFT_RUNS=1 TTFT_TRIALS=4 TTFT_WARMUP=1 \
#     bench/thumbnail/run.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHASES=${1:-cost concurrency ttft}
OUT=${BENCH_OUT:-/tmp/thumbnail-engine-bench-$(date +%Y%m%d-%H%M%S)}
CACHE_DIR=${CACHE_DIR:-/tmp/thumbnail-bench-cache}
VARIANTS=${VARIANTS:-reference candidate}
REF_COMMIT=${REF_COMMIT:-6e71c04}
FFMPEG=${FFMPEG:-ffmpeg}
SOURCE_PORT=${SOURCE_PORT:-19460}
SOURCE_WRITE_MS=${SOURCE_WRITE_MS:-350}
SOURCE_JAVA_OPTS=${SOURCE_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC}
# the candidate runs with the JVM options its image sets
IMAGE_JAVA_OPTS=$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' "$ROOT/thumbnail-worker/Dockerfile")
CANDIDATE_JAVA_OPTS=${CANDIDATE_JAVA_OPTS:-$IMAGE_JAVA_OPTS}
[ "$CANDIDATE_JAVA_OPTS" = none ] && CANDIDATE_JAVA_OPTS=
SRS_API=${SRS_API:-fake}
THUMBNAIL_INTERVAL=${THUMBNAIL_INTERVAL:-10s}
JOB_RATE=${JOB_RATE:-20}
COST_RUNS=${COST_RUNS:-3}
COST_STREAMS=${COST_STREAMS:-100}
COST_WARMUP=${COST_WARMUP:-60}
COST_SECONDS=${COST_SECONDS:-180}
CONC_RUNS=${CONC_RUNS:-3}
CONC_LEVELS_REFERENCE=${CONC_LEVELS_REFERENCE:-60 90 120}
CONC_LEVELS_CANDIDATE=${CONC_LEVELS_CANDIDATE:-100 200 300 400}
CONC_WARMUP=${CONC_WARMUP:-30}
CONC_HOLD=${CONC_HOLD:-120}
CONC_MAX_AGE=${CONC_MAX_AGE:-12}
CONC_STOP_AGE=${CONC_STOP_AGE:-24}
TTFT_RUNS=${TTFT_RUNS:-3}
TTFT_TRIALS=${TTFT_TRIALS:-20}
TTFT_WARMUP=${TTFT_WARMUP:-2}
TTFT_TIMEOUT=${TTFT_TIMEOUT:-30}

case "$OUT" in "$ROOT"/*) echo "BENCH_OUT must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$OUT" "$CACHE_DIR"
echo "results in $OUT"

build_jar() { # build_jar SOURCE_DIR: the thumbnail-worker jar of that tree, no tests
	(cd "$1" && ./mvnw -B -q -DskipTests package -pl thumbnail-worker -am)
}

# --- the reference: the worker jar of REF_COMMIT, built once in a temporary worktree outside the repository
declare -A JARS NOTES
if [[ " $VARIANTS " == *" reference "* ]]; then
	if [ -n "${REF_JAR:-}" ]; then
		JARS[reference]=$REF_JAR
		NOTES[reference]="REF_JAR"
	else
		ref=$(git -C "$ROOT" rev-parse --short "$REF_COMMIT^{commit}")
		JARS[reference]=$CACHE_DIR/thumbnail-worker-$ref.jar
		NOTES[reference]="thumbnail-worker of commit $ref"
		if [ ! -s "${JARS[reference]}" ]; then
			src=$(mktemp -d /tmp/thumbnail-bench-ref-XXXXXX)
			echo "building the reference worker of $ref in $src (a temporary git worktree)"
			git -C "$ROOT" worktree add --detach "$src" "$ref" > /dev/null
			if build_jar "$src"; then
				cp "$src/thumbnail-worker/target/thumbnail-worker.jar" "${JARS[reference]}.tmp"
				mv "${JARS[reference]}.tmp" "${JARS[reference]}"
			fi
			git -C "$ROOT" worktree remove --force "$src"
			[ -s "${JARS[reference]}" ] || { echo "the reference worker did not build" >&2; exit 1; }
		fi
	fi
fi
# --- the candidate: the worker jar of this work tree
if [[ " $VARIANTS " == *" candidate "* ]]; then
	JARS[candidate]=${CANDIDATE_JAR:-$ROOT/thumbnail-worker/target/thumbnail-worker.jar}
	if [ ! -s "${JARS[candidate]}" ] && [ -z "${CANDIDATE_JAR:-}" ]; then
		echo "building the candidate worker of the work tree"
		build_jar "$ROOT"
	fi
	[ -s "${JARS[candidate]}" ] || { echo "no candidate jar ${JARS[candidate]}" >&2; exit 1; }
	newer=$(find "$ROOT/thumbnail-worker/src/main" "$ROOT/common/src/main" "$ROOT/service-support/src/main" \
		-newer "${JARS[candidate]}" -type f 2> /dev/null | head -3)
	[ -z "$newer" ] || echo "WARNING: sources newer than ${JARS[candidate]} (rebuild it?): $newer" >&2
	NOTES[candidate]="work tree at $(git -C "$ROOT" rev-parse --short HEAD)$([ -n "$(git -C "$ROOT" status --porcelain -- thumbnail-worker common service-support 2> /dev/null)" ] && echo ', modified' || true), jar of $(stat -c '%y' "${JARS[candidate]}" | cut -d. -f1)"
fi

{
	echo "date: $(date -Is)"
	echo "nproc: $(nproc)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
	echo "memory: $(free -m | awk '/^Mem:/ {print $2 " MB"}')"
	echo "java: $(java -version 2>&1 | head -1)"
	echo "ffmpeg: $("$FFMPEG" -version | head -1)"
	echo "rabbitmq: $(curl -s -u "${RABBIT_USER:-guest}:${RABBIT_PASSWORD:-guest}" "${RABBIT_API:-http://127.0.0.1:15672}/api/overview" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("rabbitmq_version"))' 2> /dev/null || echo '?')"
	for v in $VARIANTS; do echo "$v: ${JARS[$v]} (${NOTES[$v]})"; done
	echo "loadavg at start: $(cat /proc/loadavg)"
} | tee "$OUT/machine.txt"

# --- the media, made once: 60 s of 1080p30 H.264 High (B-frames), 6 Mbit/s, 2 s GOP, + AAC 128 kbit/s, as FLV
MEDIA=$CACHE_DIR/media-1080p30-6M-g60-aac.flv
if [ ! -s "$MEDIA" ]; then
	echo "encoding $MEDIA (about a minute and a half on 2 cores)"
	"$FFMPEG" -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 \
		-f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 -map 0:v -map 1:a \
		-c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -g 60 -keyint_min 60 -sc_threshold 0 \
		-b:v 6M -maxrate 6M -bufsize 12M -c:a aac -b:a 128k -ac 2 -f flv "$MEDIA.tmp"
	mv "$MEDIA.tmp" "$MEDIA"
fi
ffprobe -v error -show_entries format=duration,bit_rate:stream=codec_name,profile,width,height,r_frame_rate,has_b_frames \
	-of compact "$MEDIA" | tee "$OUT/media.txt"

# --- streams the source needs: the largest of the phases' needs
max_of() { local m=0 x; for x in "$@"; do [ "$x" -gt "$m" ] && m=$x; done; echo "$m"; }
n_variants=$(echo $VARIANTS | wc -w)
SOURCE_STREAMS=$(max_of "$COST_STREAMS" $CONC_LEVELS_REFERENCE $CONC_LEVELS_CANDIDATE \
	$((TTFT_RUNS * (TTFT_TRIALS + TTFT_WARMUP) * n_variants)))

# --- the HTTP-FLV source, in the background for the whole run
java $SOURCE_JAVA_OPTS "$HERE/Source.java" --flv "$MEDIA" --port "$SOURCE_PORT" --streams "$SOURCE_STREAMS" \
	--write-ms "$SOURCE_WRITE_MS" --log "$OUT/source.log" > "$OUT/source.out" 2>&1 &
SOURCE_PID=$!
cleanup() {
	kill "$SOURCE_PID" 2> /dev/null || true
	wait "$SOURCE_PID" 2> /dev/null || true
}
trap cleanup EXIT
for _ in $(seq 300); do
	grep -q '^listening' "$OUT/source.out" 2> /dev/null && break
	kill -0 "$SOURCE_PID" 2> /dev/null || { cat "$OUT/source.out" >&2; exit 1; }
	sleep 0.2
done
grep '^listening' "$OUT/source.out" || { echo "the source did not start" >&2; cat "$OUT/source.out" >&2; exit 1; }

ARGS=(--out "$OUT" --variants "$VARIANTS" --definitions "$ROOT/rabbitmq/definitions.json"
	--source-port "$SOURCE_PORT" --source-pid "$SOURCE_PID" --source-log "$OUT/source.log"
	--source-streams "$SOURCE_STREAMS" --srs-api "$SRS_API" --interval "$THUMBNAIL_INTERVAL"
	--rabbit-api "${RABBIT_API:-http://127.0.0.1:15672}" --rabbit-host "${RABBIT_HOST:-127.0.0.1}"
	--rabbit-port "${RABBIT_PORT:-5672}" --rabbit-user "${RABBIT_USER:-guest}" --rabbit-password "${RABBIT_PASSWORD:-guest}"
	--worker-java-opts "${WORKER_JAVA_OPTS:-}" --candidate-java-opts "$CANDIDATE_JAVA_OPTS" \
	--worker-env "${WORKER_ENV:-}"
	--reference-env "${REFERENCE_ENV:-}" --candidate-env "${CANDIDATE_ENV:-}" --job-rate "$JOB_RATE"
	--max-age "$CONC_MAX_AGE"
	--cost-runs "$COST_RUNS" --cost-streams "$COST_STREAMS" --cost-warmup "$COST_WARMUP" --cost-seconds "$COST_SECONDS"
	--conc-runs "$CONC_RUNS" --conc-levels-reference "$CONC_LEVELS_REFERENCE"
	--conc-levels-candidate "$CONC_LEVELS_CANDIDATE" --conc-warmup "$CONC_WARMUP" --conc-hold "$CONC_HOLD"
	--conc-stop-age "$CONC_STOP_AGE"
	--ttft-runs "$TTFT_RUNS" --ttft-trials "$TTFT_TRIALS" --ttft-warmup "$TTFT_WARMUP" --ttft-timeout "$TTFT_TIMEOUT")
[ -z "${PG_PORT:-}" ] || ARGS+=(--pg-port "$PG_PORT")
for v in $VARIANTS; do ARGS+=("--$v-jar" "${JARS[$v]}" --jar-note "$v=${NOTES[$v]}"); done

python3 "$HERE/bench.py" $PHASES "${ARGS[@]}" 2>&1 | tee "$OUT/bench.log"
echo "loadavg at end: $(cat /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo "results in $OUT (summary.md, results.json, per-run worker logs)"
