#!/usr/bin/env bash
# Thumbnail capture benchmark: CPU-s and peak RSS per live stream-minute of the thumbnail worker's FFmpeg
# command vs the original design's command (side by side in the same rounds), time to the first thumbnail,
# and how many concurrent 1080p streams one 2-core machine keeps with every thumbnail <= 12 s old.
# See docs/benchmarks.md ("Thumbnail capture") for what it measures and the figures.
#
#   bench/thumbnail/run.sh [PHASES]      PHASES: any of "cost ttft concurrency" (default: all three)
#
# Environment (all optional):
#   BENCH_OUT         where results go (default /tmp/thumbnail-bench-YYYYmmdd-HHMMSS); nothing is written in the repo
#   CLIP_DIR          where the test clips are encoded once and reused (default /tmp/thumbnail-bench-clip)
#   RTMP_PORT=19450   port of the nginx-rtmp test server started here (nginx + Debian's ngx_rtmp_module)
#   FFMPEG=ffmpeg
#   COST_ROUNDS=3 COST_PER_ROUND=2 COST_SECONDS=150 COST_WARMUP=20
#   COST_VARIANTS=worker,original,worker-threads1
#   TTFT_TRIALS=20 TTFT_EXTRA_TRIALS=10
#   TTFT_CONFIGS="worker:running:av:main worker:prepublished:av:main worker:running:v:extra ..."
#                     variant:mode:clip:trials, mode running (subscribe to a running stream) or prepublished
#                     (subscribe, then the stream is published), clip av or v (video only), trials main or extra
#   CONC_LEVELS="10 20 40 60" CONC_HOLD=120 CONC_WARMUP=25 CONC_MAX_AGE=12
#
# The worker's argument list is printed by PrintCommand.java: FfmpegCommand.java of the work tree is compiled
# into BENCH_OUT against the compiled worker classes (thumbnail-worker/target/classes, common/target/classes), so the
# exact list the current source builds is what runs (interval 10 s, width 320, quality 5, probe 1.5 s / 5 MB);
# without those classes, bench.py's replica of it. Variants (COST_VARIANTS, TTFT_CONFIGS): worker (that list),
# original, worker-threads1 / worker-enc1 (+ -threads 1 for decoder and encoder / for the encoder), worker-dec-auto
# (the list without the decoder's -threads 1, i.e. as before commit 5002b3a).
# Clip: 60 s of testsrc2 1920x1080 30 fps, libx264 veryfast, 6 Mbit/s CBR-ish (maxrate 6M, bufsize 12M), GOP 60
# (2 s, no scene cuts), + a 128 kbit/s AAC tone (clip_av.mp4, as an encoder like OBS sends); clip.mp4 is the
# video alone. Publishers: ffmpeg -re -stream_loop -1 -i clip -c copy -f flv rtmp://.../live/<name> (no re-encode).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHASES=${1:-cost ttft concurrency}
OUT=${BENCH_OUT:-/tmp/thumbnail-bench-$(date +%Y%m%d-%H%M%S)}
CLIP_DIR=${CLIP_DIR:-/tmp/thumbnail-bench-clip}
RTMP_PORT=${RTMP_PORT:-19450}
FFMPEG=${FFMPEG:-ffmpeg}
COST_ROUNDS=${COST_ROUNDS:-3}
COST_PER_ROUND=${COST_PER_ROUND:-2}
COST_SECONDS=${COST_SECONDS:-150}
COST_WARMUP=${COST_WARMUP:-20}
COST_VARIANTS=${COST_VARIANTS:-worker,original,worker-threads1}
TTFT_TRIALS=${TTFT_TRIALS:-20}
TTFT_EXTRA_TRIALS=${TTFT_EXTRA_TRIALS:-10}
TTFT_CONFIGS=${TTFT_CONFIGS:-worker:running:av:main worker:prepublished:av:main worker:running:v:extra worker-threads1:running:av:extra worker-threads1:prepublished:av:extra}
CONC_LEVELS=${CONC_LEVELS:-10 20 40 60}
CONC_HOLD=${CONC_HOLD:-120}
CONC_WARMUP=${CONC_WARMUP:-25}
CONC_MAX_AGE=${CONC_MAX_AGE:-12}

mkdir -p "$OUT" "$CLIP_DIR"
echo "results in $OUT"
{
	echo "date: $(date -Is)"
	echo "nproc: $(nproc)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
	echo "ffmpeg: $("$FFMPEG" -version | head -1)"
	echo "nginx: $(nginx -v 2>&1)"
	echo "loadavg at start: $(cat /proc/loadavg)"
} | tee "$OUT/machine.txt"

# --- test clips, encoded once
CLIP="$CLIP_DIR/clip.mp4"
CLIP_AV="$CLIP_DIR/clip_av.mp4"
if [ ! -s "$CLIP" ]; then
	echo "encoding $CLIP (60 s 1080p30 6 Mbit/s, 2 s GOP)"
	"$FFMPEG" -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 -t 60 \
		-c:v libx264 -preset veryfast -pix_fmt yuv420p -profile:v high -g 60 -keyint_min 60 -sc_threshold 0 \
		-b:v 6M -maxrate 6M -bufsize 12M -movflags +faststart "$CLIP.tmp.mp4"
	mv "$CLIP.tmp.mp4" "$CLIP"
fi
if [ ! -s "$CLIP_AV" ]; then
	"$FFMPEG" -hide_banner -nostdin -loglevel error -y -i "$CLIP" -f lavfi -i sine=frequency=440:sample_rate=48000 \
		-map 0:v -map 1:a -c:v copy -c:a aac -b:a 128k -ac 2 -shortest "$CLIP_AV.tmp.mp4"
	mv "$CLIP_AV.tmp.mp4" "$CLIP_AV"
fi
ffprobe -v error -show_entries format=duration,bit_rate:stream=codec_name,width,height,r_frame_rate,has_b_frames \
	-of compact "$CLIP_AV" | tee "$OUT/clip.txt"

# --- the worker's argument list: FfmpegCommand.java of the work tree, compiled here against the worker's
# compiled classes (target/classes may predate the source), then printed by PrintCommand.java
if [ -d "$ROOT/thumbnail-worker/target/classes" ] && [ -d "$ROOT/common/target/classes" ] &&
	mkdir -p "$OUT/classes" &&
	javac -nowarn -d "$OUT/classes" -cp "$ROOT/thumbnail-worker/target/classes:$ROOT/common/target/classes" \
		"$ROOT/thumbnail-worker/src/main/java/dev/streamctl/thumbnail/capture/ffmpeg/FfmpegCommand.java" 2> "$OUT/javac.log" &&
	java -cp "$OUT/classes:$ROOT/thumbnail-worker/target/classes:$ROOT/common/target/classes" \
		"$HERE/PrintCommand.java" @URL@ > "$OUT/worker-args.txt"; then
	sed -i "1s|^ffmpeg\$|$FFMPEG|" "$OUT/worker-args.txt"
	WORKER_ARGS=(--worker-args "$OUT/worker-args.txt")
	echo "worker command (FfmpegCommand.java of the work tree, $(git -C "$ROOT" log -1 --format=%h -- thumbnail-worker/src/main/java/dev/streamctl/thumbnail/capture/ffmpeg/FfmpegCommand.java 2>/dev/null)): $(tr '\n' ' ' < "$OUT/worker-args.txt")" | tee "$OUT/worker-command.txt"
else
	WORKER_ARGS=()
	echo "compiled worker classes not found or FfmpegCommand.java does not compile: using bench.py's replica" | tee "$OUT/worker-command.txt"
fi

# --- nginx-rtmp, in the foreground, from a directory of its own
NGX="$OUT/nginx"
mkdir -p "$NGX/logs"
cat > "$NGX/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off; master_process off; error_log $NGX/error.log; pid $NGX/nginx.pid;
worker_rlimit_nofile 16384;
events { worker_connections 4096; }
rtmp { server { listen 127.0.0.1:$RTMP_PORT; application live { live on; } } }
EOF
nginx -c "$NGX/nginx.conf" -p "$NGX/" > "$NGX/stdout.log" 2>&1 &
NGINX_PID=$!
cleanup() {
	kill "$NGINX_PID" 2>/dev/null || true
	wait "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do
	(exec 3<>/dev/tcp/127.0.0.1/"$RTMP_PORT") 2>/dev/null && break
	sleep 0.1
done
echo "$NGINX_PID" > "$NGX/nginx.pid.harness"

COMMON=(--ffmpeg "$FFMPEG" --rtmp "rtmp://127.0.0.1:$RTMP_PORT/live" --out "$OUT" --nginx-pid "$NGX/nginx.pid.harness"
	"${WORKER_ARGS[@]}")
BENCH=(python3 "$HERE/bench.py")

for phase in $PHASES; do
	case "$phase" in
	cost)
		echo "== cost: $COST_ROUNDS rounds x $COST_PER_ROUND capture(s) of each of $COST_VARIANTS, ${COST_SECONDS}s each"
		"${BENCH[@]}" cost "${COMMON[@]}" --clip "$CLIP_AV" --variants "$COST_VARIANTS" --rounds "$COST_ROUNDS" \
			--per-round "$COST_PER_ROUND" --seconds "$COST_SECONDS" --warmup "$COST_WARMUP" 2>&1 | tee "$OUT/cost.log"
		;;
	ttft)
		echo "== ttft: $TTFT_CONFIGS (the configurations run at the same time, each on its own stream)"
		TTFT_PIDS=()
		for config in $TTFT_CONFIGS; do
			IFS=: read -r variant mode media count <<< "$config"
			clip=$CLIP_AV; [ "$media" = v ] && clip=$CLIP
			trials=$TTFT_TRIALS; [ "$count" = extra ] && trials=$TTFT_EXTRA_TRIALS
			"${BENCH[@]}" ttft "${COMMON[@]}" --variant "$variant" --mode "$mode" --clip "$clip" --trials "$trials" \
				> "$OUT/ttft-$variant-$mode-$media.log" 2>&1 &
			TTFT_PIDS+=($!)
		done
		wait "${TTFT_PIDS[@]}"
		grep -h "^ttft " "$OUT"/ttft-*.log | tee "$OUT/ttft-summary.txt"
		;;
	concurrency)
		echo "== concurrency: levels $CONC_LEVELS, hold ${CONC_HOLD}s, max age ${CONC_MAX_AGE}s"
		# the video-only clip: with the audio track, nginx-rtmp's audio-first start makes ~half the captures
		# exit at the probe and restart (see the ttft phase); this phase is about the steady state
		"${BENCH[@]}" concurrency "${COMMON[@]}" --clip "$CLIP" --levels "$CONC_LEVELS" --hold "$CONC_HOLD" \
			--warmup "$CONC_WARMUP" --max-age "$CONC_MAX_AGE" 2>&1 | tee "$OUT/concurrency.log"
		;;
	*) echo "unknown phase $phase" >&2; exit 2 ;;
	esac
done
echo "loadavg at end: $(cat /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo "results in $OUT"
