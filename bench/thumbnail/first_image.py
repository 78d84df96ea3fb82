#!/usr/bin/env python3
"""Time to the first thumbnail, three commands side by side on one running A/V stream (see docs/benchmarks.md).

Driven by bench/thumbnail/first_image.sh, which starts nginx-rtmp, publishes the clip in a loop and writes the
worker's argument lists (PrintCommand.java) to files. Each trial waits a random 0-2 s (a random phase against the
2 s GOP), then starts every command at once, each as a new subscriber, and times the first whole JPEG (FF D8 ..
FF D9) on its stdout. A command that exits without a JPEG is restarted as Capture.java does (1 s, then doubling).

  first_image.py URL TRIALS NAME=ARGFILE[@N] ...   (ARGFILE: one argument per line, @URL@ for the URL; @N: the
                                                    first N restarts at once, as the worker's quick runs do)
"""
import random
import statistics
import subprocess
import sys
import threading
import time


def load(path, url):
    with open(path) as f:
        return [url if a == "@URL@" else a for a in (line.rstrip("\n") for line in f) if a != ""]


def first_jpeg(args, quick_retries=0, deadline=40.0):
    """Seconds to the first JPEG (None if none within the deadline), attempts, FFmpeg's last error lines. The first
    quick_retries restarts happen at once (Capture.java's quick first-image runs), later ones after the backoff."""
    t0 = time.monotonic()
    attempts, errors, backoff = 0, [], 1.0
    while time.monotonic() - t0 < deadline:
        attempts += 1
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        buf = b""
        while True:
            chunk = p.stdout.read1(65536)
            if not chunk:
                break
            buf += chunk
            start = buf.find(b"\xff\xd8")
            if start >= 0 and buf.find(b"\xff\xd9", start) >= 0:
                dt = time.monotonic() - t0
                p.kill()
                p.wait()
                return dt, attempts, errors
        p.wait()
        errors.append(p.stderr.read().decode(errors="replace").strip().splitlines()[-1:] or ["exit %d" % p.returncode])
        if attempts > quick_retries:
            time.sleep(backoff)
            backoff *= 2
    return None, attempts, errors


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))]


def main():
    url, trials = sys.argv[1], int(sys.argv[2])
    commands, quick = {}, {}
    for spec in sys.argv[3:]:
        name, rest = spec.split("=", 1)
        path, _, retries = rest.partition("@")
        commands[name], quick[name] = path, int(retries or 0)
    names = list(commands)
    times = {n: [] for n in names}
    first_ok = {n: 0 for n in names}
    errors = {n: set() for n in names}
    for trial in range(trials):
        time.sleep(random.uniform(0, 2.0))
        out = {}
        threads = [threading.Thread(target=lambda n=n: out.__setitem__(n, first_jpeg(load(commands[n], url), quick[n])))
                   for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for n in names:
            dt, attempts, errs = out[n]
            times[n].append(dt if dt is not None else float("inf"))
            first_ok[n] += attempts == 1
            errors[n].update(e[0] for e in errs)
        print("trial %2d  " % (trial + 1) + "  ".join("%s %.2f s" % (n, times[n][-1]) for n in names), flush=True)
    print()
    print("%-10s %6s %8s %8s %8s %8s  %s" % ("command", "trials", "p50 s", "p95 s", "min s", "max s", "first attempt ok"))
    for n in names:
        xs = times[n]
        print("%-10s %6d %8.2f %8.2f %8.2f %8.2f  %d/%d  %s" % (n, len(xs), statistics.median(xs), pct(xs, 95), min(xs),
                                                             max(xs), first_ok[n], len(xs), sorted(errors[n]) or ""))


if __name__ == "__main__":
    main()
