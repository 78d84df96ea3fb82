#!/usr/bin/env bash
# Time to the first thumbnail of the worker's commands, side by side on one running 1080p A/V stream
# (see docs/benchmarks.md, "Time to the first thumbnail"):
#   quick    the quick first-image run a capture starts with (FfmpegCommand.firstFrame, the default)
#   capture  the keyframes-only capture alone (FfmpegCommand.capture; THUMBNAIL_QUICK_FIRST_FRAME=false)
#   before   the capture as it was before commit 0d50dc9 (probe 1 s / 1 MB)
#
#   bench/thumbnail/first_image.sh [TRIALS]     (default 20)
#
# Environment: BENCH_OUT (default /tmp/thumbnail-first-image-<time>), CLIP_DIR (default /tmp/thumbnail-bench-clip,
# shared with run.sh: the 1080p clip is encoded once), RTMP_PORT=19451. Needs ffmpeg, nginx and libnginx-mod-rtmp,
# and the compiled worker (./mvnw -B -q -DskipTests install).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TRIALS=${1:-20}
OUT=${BENCH_OUT:-/tmp/thumbnail-first-image-$(date +%Y%m%d-%H%M%S)}
CLIP_DIR=${CLIP_DIR:-/tmp/thumbnail-bench-clip}
RTMP_PORT=${RTMP_PORT:-19451}
mkdir -p "$OUT/nginx" "$CLIP_DIR"

CLIP=$CLIP_DIR/clip_av.mp4
if [ ! -f "$CLIP" ]; then
	echo "encoding $CLIP (60 s, 1080p30, 6 Mbit/s, 2 s GOP, AAC; about a minute)"
	ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 \
		-f lavfi -i sine=frequency=440:sample_rate=48000 -t 60 -c:v libx264 -preset veryfast -profile:v high \
		-g 60 -keyint_min 60 -sc_threshold 0 -b:v 6M -maxrate 6M -bufsize 12M -c:a aac -b:a 128k -shortest "$CLIP"
fi

cat > "$OUT/nginx/nginx.conf" <<NGX
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off; master_process off; error_log $OUT/nginx/error.log; pid $OUT/nginx/nginx.pid;
events { worker_connections 1024; }
rtmp { server { listen 127.0.0.1:$RTMP_PORT; application live { live on; } } }
NGX
nginx -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx/" > "$OUT/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
PUB_PID=
trap 'kill $PUB_PID $NGINX_PID 2>/dev/null || true' EXIT

CP=$ROOT/thumbnail-worker/target/classes:$ROOT/common/target/classes
java -cp "$CP" "$HERE/PrintCommand.java" @URL@ > "$OUT/capture.args"
java -cp "$CP" "$HERE/PrintCommand.java" @URL@ first-frame > "$OUT/quick.args"
# the capture before 0d50dc9: the same list with the probe it had
awk 'prev=="-analyzeduration"{$0="1000000"} prev=="-probesize"{$0="1000000"} {print; prev=$0}' "$OUT/capture.args" > "$OUT/before.args"

URL=rtmp://127.0.0.1:$RTMP_PORT/live/firstimage
ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$CLIP" -c copy -f flv "$URL" > "$OUT/publisher.log" 2>&1 &
PUB_PID=$!
sleep 3
{
	echo "# $(date -u +%FT%TZ), commit $(git -C "$ROOT" rev-parse --short HEAD), $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
	for n in quick capture before; do echo "# $n: $(tr '\n' ' ' < "$OUT/$n.args")"; done
	python3 "$HERE/first_image.py" "$URL" "$TRIALS" quick="$OUT/quick.args" capture="$OUT/capture.args" before="$OUT/before.args"
} | tee "$OUT/results.txt"
