#!/usr/bin/env python3
"""Thumbnail capture benchmark harness (driven by bench/thumbnail/run.sh; see docs/benchmarks.md).

Phases (each prints a human summary and writes JSON into --out):
  cost         CPU-s and peak RSS per stream-minute of the worker's FFmpeg command vs the original design's
               command (and optional variants), side by side in the same rounds, each capture on its own stream
  ttft         time from subscribing (or from the publish) to the first JPEG on the capture's stdout
  concurrency  N published streams + N worker captures, N increasing, age of every stream's latest thumbnail

CPU and peak RSS of a finished capture come from os.wait4() (getrusage of the child: utime+stime, ru_maxrss);
rates over a window come from /proc/<pid>/stat utime+stime. Both count CPU time, not wall time, so they hold
up on a shared machine better than wall-clock throughput would.
"""
import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")
WORKER_DEFAULT = None  # filled from --worker-args


# ---------------------------------------------------------------- commands

def python_worker_args(ffmpeg, url):
    """Replica of FfmpegCommand.capture() (as of commit 5002b3a) with the default CaptureSettings; used only
    without --worker-args."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-analyzeduration", "1000000",
            "-probesize", "1000000", "-rw_timeout", "30000000", "-skip_frame", "nokey", "-threads", "1", "-i", url,
            "-an", "-sn", "-dn", "-vf", "select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,10)',scale=320:-2",
            "-fps_mode", "passthrough", "-q:v", "5", "-metadata", "comment=streamctl-thumbnail-capture",
            "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1"]


def worker_args(opts, url):
    if opts.worker_args:
        with open(opts.worker_args) as f:
            template = [line.rstrip("\n") for line in f if line.rstrip("\n") != ""]
        return [url if a == "@URL@" else a for a in template]
    return python_worker_args(opts.ffmpeg, url)


def variant_args(opts, variant, url, outfile):
    """The capture command of a variant; returns (args, writes_jpegs_to_stdout)."""
    if variant == "worker":
        return worker_args(opts, url), True
    if variant in ("worker-threads1", "worker-enc1"):
        # NOT the worker's command: the same with -threads 1 for the encoder (before the output) and, for
        # worker-threads1, for the decoder too (before -i), each added only where the worker's list lacks it.
        # The frame-threaded mjpeg encoder (threads=auto) holds each JPEG until the next selected frame comes,
        # i.e. one interval; see docs/benchmarks.md
        a = worker_args(opts, url)
        i = a.index("-i")
        if variant == "worker-threads1" and "-threads" not in a[:i]:
            a = a[:i] + ["-threads", "1"] + a[i:]
        i = a.index("-i")
        j = a.index("image2pipe") - 1
        if "-threads" not in a[i:j]:
            a = a[:j] + ["-threads", "1"] + a[j:]
        return a, True
    if variant == "worker-dec-auto":  # the worker's command before 5002b3a: decoder threads left to FFmpeg
        a = worker_args(opts, url)
        i = a.index("-i")
        k = [n for n in range(i) if a[n] == "-threads"]
        if k:
            a = a[:k[0]] + a[k[0] + 2:]
        return a, True
    if variant == "original":  # the original design, verbatim apart from quieting the log
        return [opts.ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-i", url, "-vf", "fps=1/10",
                "-update", "1", "-y", outfile], False
    raise SystemExit("unknown variant " + variant)


def publisher_args(opts, name):
    return [opts.ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1",
            "-i", opts.clip, "-c", "copy", "-f", "flv", opts.rtmp + "/" + name]


# ---------------------------------------------------------------- process helpers

def proc_cpu(pid):
    """utime+stime of a live process in seconds, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError):
        return None


def proc_hwm_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def machine_busy():
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    idle = vals[3] + vals[4]
    total = sum(vals[:8])
    return total - idle, total


class Proc:
    """A child process whose rusage is collected with wait4 (CPU and peak RSS of the whole run)."""

    def __init__(self, args, stdout=None, stderr=None):
        self.args = args
        self.started = time.monotonic()
        self.p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
        self.pid = self.p.pid
        self.ended = None
        self.status = None
        self.cpu = None  # utime+stime at exit
        self.maxrss_mb = None
        self.lock = threading.Lock()

    def poll(self):
        with self.lock:
            if self.ended is not None:
                return True
            pid, status, ru = os.wait4(self.pid, os.WNOHANG)
            if pid == 0:
                return False
            self._reaped(status, ru)
            return True

    def _reaped(self, status, ru):
        self.ended = time.monotonic()
        self.status = os.waitstatus_to_exitcode(status)
        self.p.returncode = self.status
        self.cpu = ru.ru_utime + ru.ru_stime
        self.maxrss_mb = ru.ru_maxrss / 1024.0

    def stop(self, sig=signal.SIGTERM, grace=5.0):
        if self.poll():
            return
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if self.poll():
                return
            time.sleep(0.02)
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        with self.lock:
            if self.ended is None:
                pid, status, ru = os.wait4(self.pid, 0)
                self._reaped(status, ru)

    def live_cpu(self):
        return proc_cpu(self.pid) if self.ended is None else self.cpu


class JpegReader(threading.Thread):
    """Reads concatenated JPEGs from a pipe the way JpegFrames does (FF D8 ... FF D9) and records when each
    whole image arrived (time.monotonic())."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.times = []
        self.sizes = []

    def run(self):
        buf = bytearray()
        started = False
        fd = self.stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while True:
                if not started:
                    i = buf.find(b"\xff\xd8")
                    if i < 0:
                        del buf[:max(0, len(buf) - 1)]
                        break
                    del buf[:i]
                    started = True
                j = buf.find(b"\xff\xd9", 2)
                if j < 0:
                    break
                now = time.monotonic()
                self.times.append(now)
                self.sizes.append(j + 2)
                del buf[:j + 2]
                started = False
        self.stream.close()


class Capture:
    """One capture supervised like Capture.java: when FFmpeg exits it is started again after a backoff of 1 s
    that doubles up to 30 s; CPU of every incarnation is summed."""

    def __init__(self, opts, variant, name, outdir, supervise=True):
        self.opts = opts
        self.variant = variant
        self.name = name
        self.url = opts.rtmp + "/" + name
        self.outfile = os.path.join(outdir, "%s.jpg" % name)
        self.errfile = os.path.join(outdir, "%s.stderr" % name)
        self.supervise = supervise
        self.runs = []  # finished Proc
        self.proc = None
        self.reader = None
        self.readers = []
        self.stopping = False
        self.restarts = 0
        self.lock = threading.Lock()
        self.start_time = time.monotonic()
        self._spawn()
        self.thread = threading.Thread(target=self._supervise, daemon=True)
        self.thread.start()

    def _spawn(self):
        args, to_stdout = variant_args(self.opts, self.variant, self.url, self.outfile)
        err = open(self.errfile, "ab")
        if to_stdout:
            self.proc = Proc(args, stdout=subprocess.PIPE, stderr=err)
            self.reader = JpegReader(self.proc.p.stdout)
            self.reader.start()
            self.readers.append(self.reader)
        else:
            self.proc = Proc(args, stdout=subprocess.DEVNULL, stderr=err)
        err.close()

    def _supervise(self):
        backoff = 1.0
        while not self.stopping:
            if self.proc.poll():
                self._finished(self.proc)
                if self.stopping or not self.supervise:
                    return
                delivered = self.reader is not None and len(self.reader.times) > 0
                backoff = 1.0 if delivered else backoff
                self.restarts += 1
                t_end = time.monotonic() + backoff
                while time.monotonic() < t_end and not self.stopping:
                    time.sleep(0.05)
                if self.stopping:
                    return
                backoff = min(backoff * 2, 30.0)
                self._spawn()
            time.sleep(0.1)

    def _finished(self, proc):
        with self.lock:
            if proc not in self.runs:
                self.runs.append(proc)

    def frame_times(self):
        out = []
        for r in self.readers:
            out.extend(r.times)
        return sorted(out)

    def live_cpu(self):
        done = sum(p.cpu for p in self.runs if p.cpu is not None)
        if self.proc is not None and self.proc not in self.runs:
            c = self.proc.live_cpu()
            done += c or 0.0
        return done

    def stop(self):
        self.stopping = True
        if self.proc is not None:
            self.proc.stop()
            self._finished(self.proc)
        self.thread.join(timeout=5)
        for r in self.readers:
            r.join(timeout=2)

    def totals(self):
        cpu = sum(p.cpu or 0.0 for p in self.runs)
        rss = max((p.maxrss_mb or 0.0) for p in self.runs)
        return cpu, rss


def start_publishers(opts, names, outdir, stagger=0.05):
    pubs = {}
    for n in names:
        err = open(os.path.join(outdir, "pub-%s.stderr" % n), "ab")
        pubs[n] = Proc(publisher_args(opts, n), stdout=subprocess.DEVNULL, stderr=err)
        err.close()
        time.sleep(stagger)
    return pubs


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, p):
    """Nearest-rank percentile."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def nginx_pid(opts):
    try:
        with open(opts.nginx_pid) as f:
            return int(f.read().strip())
    except (OSError, ValueError, TypeError):
        return None


# ---------------------------------------------------------------- phases

def phase_cost(opts):
    outdir = os.path.join(opts.out, "cost")
    os.makedirs(outdir, exist_ok=True)
    variants = opts.variants.split(",")
    rows = []
    for rnd in range(1, opts.rounds + 1):
        names = {(v, i): "cost-r%d-%s-%d" % (rnd, v, i) for v in variants for i in range(opts.per_round)}
        # captures first, publishers right after: every capture meets its stream's first (key)frame, so no
        # start is lost to the probe race described in docs/benchmarks.md; steady state is what is measured
        caps = {k: Capture(opts, k[0], n, outdir, supervise=True) for k, n in names.items()}
        time.sleep(0.3)
        pubs = start_publishers(opts, list(names.values()), outdir)
        t_start = min(c.start_time for c in caps.values())
        time.sleep(max(0.0, opts.warmup - (time.monotonic() - t_start)))
        w0 = {k: (time.monotonic(), c.live_cpu()) for k, c in caps.items()}
        mb0 = machine_busy()
        time.sleep(max(0.0, opts.seconds - (time.monotonic() - t_start)))
        w1 = {k: (time.monotonic(), c.live_cpu()) for k, c in caps.items()}
        mb1 = machine_busy()
        pub_cpu = sum((p.live_cpu() or 0.0) for p in pubs.values())
        for c in caps.values():
            c.stop()
        for p in pubs.values():
            p.stop()
        busy = (mb1[0] - mb0[0]) / max(1, (mb1[1] - mb0[1])) * os.cpu_count()
        for k, c in caps.items():
            cpu, rss = c.totals()
            life = sum((p.ended - p.started) for p in c.runs)
            frames = len(c.frame_times())
            if k[0] == "original":
                frames = None
            steady = (w1[k][1] - w0[k][1]) / ((w1[k][0] - w0[k][0]) / 60.0)
            row = {"round": rnd, "variant": k[0], "stream": names[k], "cpu_s": cpu, "lifetime_s": life,
                   "cpu_s_per_min": cpu / (life / 60.0), "steady_cpu_s_per_min": steady, "peak_rss_mb": rss,
                   "jpegs": frames, "restarts": c.restarts,
                   "original_jpg_exists": os.path.exists(c.outfile) if k[0] == "original" else None,
                   "machine_cores_busy": busy, "publishers_cpu_s": pub_cpu}
            rows.append(row)
            print("round %d %-16s cpu %.2f s over %.0f s = %.3f CPU-s/min (steady %.3f), peak RSS %.1f MB, "
                  "jpegs %s, restarts %d" % (rnd, k[0], cpu, life, row["cpu_s_per_min"], steady, rss, frames,
                                             c.restarts), flush=True)
        print("round %d: machine busy %.2f of %d cores during the window (all users)" % (rnd, busy, os.cpu_count()),
              flush=True)
    summary = {}
    for v in variants:
        rs = [r for r in rows if r["variant"] == v]
        summary[v] = {"n": len(rs), "cpu_s_per_min_median": med([r["cpu_s_per_min"] for r in rs]),
                      "cpu_s_per_min_min": min(r["cpu_s_per_min"] for r in rs),
                      "cpu_s_per_min_max": max(r["cpu_s_per_min"] for r in rs),
                      "steady_cpu_s_per_min_median": med([r["steady_cpu_s_per_min"] for r in rs]),
                      "peak_rss_mb_median": med([r["peak_rss_mb"] for r in rs]),
                      "peak_rss_mb_max": max(r["peak_rss_mb"] for r in rs)}
    print("\n%-16s %4s %22s %18s %16s" % ("variant", "n", "CPU-s/stream-min med", "(min..max)", "peak RSS MB med"))
    for v, s in summary.items():
        print("%-16s %4d %22.3f %18s %16.1f" % (v, s["n"], s["cpu_s_per_min_median"], "%.3f..%.3f" % (
            s["cpu_s_per_min_min"], s["cpu_s_per_min_max"]), s["peak_rss_mb_median"]))
    if "worker" in summary and "original" in summary:
        print("ratio original/worker: CPU %.1fx, RSS %.1fx" % (
            summary["original"]["cpu_s_per_min_median"] / summary["worker"]["cpu_s_per_min_median"],
            summary["original"]["peak_rss_mb_median"] / summary["worker"]["peak_rss_mb_median"]))
    with open(os.path.join(opts.out, "cost.json"), "w") as f:
        json.dump({"rows": rows, "summary": summary, "params": vars(opts)}, f, indent=1)


def first_frame(opts, name, outdir, t0, deadline_s=30.0, max_failures=5):
    """Runs the worker's command like Capture.java would (restart after 1 s, doubling, on exit without frame)
    and answers (seconds from t0 to the first JPEG or None, attempts, failure notes)."""
    backoff = 1.0
    notes = []
    first_attempt_ok = None
    for attempt in range(1, max_failures + 1):
        err_path = os.path.join(outdir, "%s-a%d.stderr" % (name, attempt))
        err = open(err_path, "wb")
        p = Proc(variant_args(opts, opts.variant, opts.rtmp + "/" + name, None)[0], stdout=subprocess.PIPE,
                 stderr=err)
        err.close()
        r = JpegReader(p.p.stdout)
        r.start()
        limit = time.monotonic() + deadline_s  # the worker's stall time: 3 intervals
        while not r.times and time.monotonic() < limit and not p.poll():
            time.sleep(0.005)
        if not r.times:
            r.join(timeout=0.5)  # a frame written right before the exit
        got = r.times[0] if r.times else None
        p.stop()
        r.join(timeout=2)
        if first_attempt_ok is None:
            first_attempt_ok = got is not None
        if got is not None:
            return got - t0, attempt, first_attempt_ok, notes
        with open(err_path, "rb") as f:
            notes.append(f.read().decode(errors="replace").strip()[-200:] or "exit %s" % p.status)
        time.sleep(backoff)
        backoff = min(backoff * 2, 30.0)
    return None, max_failures, first_attempt_ok, notes


def phase_ttft(opts):
    tag = "%s-%s-%s" % (opts.variant, opts.mode, os.path.basename(opts.clip).rsplit(".", 1)[0])
    outdir = os.path.join(opts.out, "ttft-" + tag)
    os.makedirs(outdir, exist_ok=True)
    results = []
    if opts.mode == "running":
        name = "ttft-running-%d" % os.getpid()
        pubs = start_publishers(opts, [name], outdir)
        time.sleep(4)
        for t in range(1, opts.trials + 1):
            time.sleep(random.uniform(0.0, 2.0))  # a random phase against the 2 s GOP
            t0 = time.monotonic()
            secs, attempts, first_ok, notes = first_frame(opts, name, outdir, t0)
            results.append({"trial": t, "seconds": secs, "attempts": attempts, "first_attempt_ok": first_ok,
                            "failures": notes})
            print("trial %2d: first thumbnail after %s s, attempts %d%s" % (
                t, "%.3f" % secs if secs is not None else "NONE", attempts,
                ("  (" + notes[0].splitlines()[-1] + ")") if notes else ""), flush=True)
        for p in pubs.values():
            p.stop()
    else:  # subscribe, then the stream is published: time from starting the publisher
        for t in range(1, opts.trials + 1):
            name = "ttft-prepub-%d-%d" % (os.getpid(), t)
            holder = {}

            def publish_later():
                time.sleep(0.5)
                holder["t0"] = time.monotonic()
                holder["pubs"] = start_publishers(opts, [name], outdir, stagger=0)

            th = threading.Thread(target=publish_later)
            th.start()
            secs, attempts, first_ok, notes = first_frame(opts, name, outdir, 0.0)
            th.join()
            if secs is not None:
                secs -= holder["t0"]
            for p in holder["pubs"].values():
                p.stop()
            results.append({"trial": t, "seconds": secs, "attempts": attempts, "first_attempt_ok": first_ok,
                            "failures": notes})
            print("trial %2d: first thumbnail %s s after the publisher started, attempts %d" % (
                t, "%.3f" % secs if secs is not None else "NONE", attempts), flush=True)
            time.sleep(0.5)
    ok = [r["seconds"] for r in results if r["seconds"] is not None]
    firsts = [r["seconds"] for r in results if r["seconds"] is not None and r["attempts"] == 1]
    summary = {"variant": opts.variant, "mode": opts.mode, "clip": opts.clip, "trials": len(results), "succeeded": len(ok),
               "first_attempt_ok": sum(1 for r in results if r["first_attempt_ok"]),
               "p50": pct(ok, 50), "p95": pct(ok, 95), "min": min(ok) if ok else None,
               "max": max(ok) if ok else None,
               "first_attempt_p50": pct(firsts, 50), "first_attempt_p95": pct(firsts, 95)}
    print("ttft %s %s %s: %d trials, %d with a thumbnail, first attempt ok %d; p50 %.3f s, p95 %.3f s, "
          "min %.3f, max %.3f; of first-attempt successes p50 %.3f p95 %.3f" % (
              opts.variant, opts.mode, os.path.basename(opts.clip), len(results), len(ok), summary["first_attempt_ok"],
              summary["p50"], summary["p95"], summary["min"] or float("nan"), summary["max"] or float("nan"),
              summary["first_attempt_p50"], summary["first_attempt_p95"]), flush=True)
    with open(os.path.join(opts.out, "ttft-%s.json" % tag), "w") as f:
        json.dump({"results": results, "summary": summary}, f, indent=1)


def max_age(times, ws, we, start):
    """Largest age of the latest thumbnail at any moment of [ws, we]; before a stream's first thumbnail
    the age counts from its capture's start."""
    before = [t for t in times if t <= ws]
    inside = [t for t in times if ws < t <= we]
    prev = before[-1] if before else start
    worst = 0.0
    for t in inside + [we]:
        worst = max(worst, t - prev)
        prev = t
    return worst


def phase_concurrency(opts):
    outdir = os.path.join(opts.out, "concurrency")
    os.makedirs(outdir, exist_ok=True)
    levels = [int(x) for x in opts.levels.split()]
    caps, pubs = [], {}
    ngx = nginx_pid(opts)
    me = os.getpid()
    results = []
    held = 0
    try:
        for n in levels:
            new = ["conc-%d" % i for i in range(len(caps), n)]
            # each capture subscribes first and its stream is published right after, as in the cost phase,
            # so that no start is lost to the probe race (docs/benchmarks.md); the steady state is measured
            for name in new:
                caps.append(Capture(opts, opts.variant, name, outdir, supervise=True))
                time.sleep(0.05)
            time.sleep(0.3)
            pubs.update(start_publishers(opts, new, outdir, stagger=0.05))
            time.sleep(opts.warmup)
            ws = time.monotonic()
            c0 = [c.live_cpu() for c in caps]
            p0 = {k: p.live_cpu() or 0.0 for k, p in pubs.items()}
            n0 = proc_cpu(ngx) if ngx else None
            s0 = proc_cpu(me)
            r0 = [c.restarts for c in caps]
            mb0 = machine_busy()
            time.sleep(opts.hold)
            we = time.monotonic()
            mb1 = machine_busy()
            c1 = [c.live_cpu() for c in caps]
            p1 = {k: p.live_cpu() or 0.0 for k, p in pubs.items()}
            n1 = proc_cpu(ngx) if ngx else None
            s1 = proc_cpu(me)
            minutes = (we - ws) / 60.0
            ages = [max_age(c.frame_times(), ws, we, c.start_time) for c in caps]
            restarts = sum(c.restarts for c in caps) - sum(r0)
            dead_pubs = sum(1 for p in pubs.values() if p.poll())
            cap_cpu = sum(b - a for a, b in zip(c0, c1))
            pub_cpu = sum(p1[k] - p0[k] for k in p1)
            ngx_cpu = (n1 - n0) if ngx and n0 is not None and n1 is not None else float("nan")
            py_cpu = s1 - s0
            busy_cores = (mb1[0] - mb0[0]) / max(1, (mb1[1] - mb0[1])) * os.cpu_count()
            ours = (cap_cpu + pub_cpu + (ngx_cpu if ngx_cpu == ngx_cpu else 0.0) + py_cpu) / (we - ws)
            rss = [proc_hwm_mb(c.proc.pid) or 0.0 for c in caps]
            ok = max(ages) <= opts.max_age and dead_pubs == 0
            row = {"n": n, "window_s": we - ws, "max_age_s": max(ages), "median_age_s": med(ages),
                   "streams_over_limit": sum(1 for a in ages if a > opts.max_age), "capture_restarts": restarts,
                   "dead_publishers": dead_pubs,
                   "capture_cpu_s_per_stream_min": cap_cpu / n / minutes,
                   "publisher_cpu_s_per_stream_min": pub_cpu / n / minutes,
                   "nginx_cpu_s_per_stream_min": ngx_cpu / n / minutes,
                   "harness_cpu_s_per_min": py_cpu / minutes,
                   "captures_cores": cap_cpu / (we - ws), "publishers_cores": pub_cpu / (we - ws),
                   "nginx_cores": ngx_cpu / (we - ws), "harness_cores": py_cpu / (we - ws),
                   "ours_cores": ours, "machine_busy_cores": busy_cores,
                   "others_cores": busy_cores - ours, "capture_rss_mb_median": med(rss),
                   "capture_rss_mb_sum": sum(rss), "held": ok}
            results.append(row)
            print("N=%3d: max age %.2f s (median %.2f), over %g s: %d, restarts %d, dead publishers %d | cores: "
                  "captures %.2f, publishers %.2f, nginx %.2f, harness %.2f, machine %.2f of %d (others %.2f) | "
                  "capture %.3f CPU-s/stream-min, RSS %.0f MB each | %s" % (
                      n, max(ages), med(ages), opts.max_age, row["streams_over_limit"], restarts, dead_pubs,
                      row["captures_cores"], row["publishers_cores"], row["nginx_cores"], row["harness_cores"],
                      busy_cores, os.cpu_count(), row["others_cores"], row["capture_cpu_s_per_stream_min"],
                      med(rss), "held" if ok else "FAILED"), flush=True)
            if ok:
                held = n
            if not ok or busy_cores >= opts.saturation * os.cpu_count():
                if ok:
                    print("machine CPU saturated (>= %.0f%%); stopping the ramp" % (opts.saturation * 100))
                break
    finally:
        for c in caps:
            c.stopping = True
        for c in caps:
            c.stop()
        for p in pubs.values():
            p.stop()
    print("largest N held for %.0f s with every thumbnail <= %g s old: %d" % (opts.hold, opts.max_age, held))
    with open(os.path.join(opts.out, "concurrency.json"), "w") as f:
        json.dump({"levels": results, "largest_held": held, "params": vars(opts)}, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=["cost", "ttft", "concurrency"])
    ap.add_argument("--ffmpeg", default="ffmpeg")
    ap.add_argument("--rtmp", required=True, help="rtmp://host:port/app")
    ap.add_argument("--clip", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--worker-args", help="file: the worker's argument list, one a line, URL as @URL@")
    ap.add_argument("--nginx-pid")
    ap.add_argument("--variants", default="worker,original")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--per-round", type=int, default=1, help="captures of each variant per round")
    ap.add_argument("--seconds", type=float, default=150)
    ap.add_argument("--warmup", type=float, default=20)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--variant", default="worker", help="ttft and concurrency: worker, worker-threads1, worker-enc1 or worker-dec-auto")
    ap.add_argument("--mode", choices=["running", "prepublished"], default="running")
    ap.add_argument("--levels", default="10 20 40 60")
    ap.add_argument("--hold", type=float, default=120)
    ap.add_argument("--max-age", type=float, default=12)
    ap.add_argument("--saturation", type=float, default=0.95)
    opts = ap.parse_args()
    os.makedirs(opts.out, exist_ok=True)
    {"cost": phase_cost, "ttft": phase_ttft, "concurrency": phase_concurrency}[opts.phase](opts)


if __name__ == "__main__":
    main()
