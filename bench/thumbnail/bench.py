#!/usr/bin/env python3
"""Thumbnail engine benchmark harness (issue 12), driven by bench/thumbnail/run.sh; see docs/benchmarks.md,
"Thumbnail engine (issue 12)".

It runs the real worker jars (`java -jar`), one variant at a time (reference: today's FFmpeg-per-stream worker;
candidate: the in-process engine) against:
  - the HTTP-FLV source Source.java (started by run.sh; its pid, port and log are passed in), which also answers
    SRS's /api/v1/streams, so that SRS_APIS can point at it;
  - a fresh vhost of the local RabbitMQ per worker run, with rabbitmq/definitions.json imported into it (the
    deployment's topology); jobs are `stream.published` events published to `srs.events` as the gateway does;
  - a fake Supabase REST endpoint (PostgREST answers, in this process) mapping every stream key to a channel.

Phases (each run alternates the variants, first one swapped every run):
  cost         N streams, a warm-up, then a window: CPU-s per stream-minute of the worker's whole process tree
               (JVM + children, exited children included), tree RSS / N and PSS / N at the window's end
  concurrency  per variant a ramp of levels; a level is held when every stream's <md5>.jpg was at most
               max-age seconds old at every moment of the hold window (file mtimes)
  ttft         both workers up; per trial a job for a stream already live at the source (GOP cache full):
               time from the worker's connection being accepted by the source to the thumbnail's mtime
"""
import argparse
import hashlib
import http.server
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
CHANNEL_NS = uuid.UUID("6f0c5a52-2b1e-4d5e-9c1a-7b3f4e5d6a10")
SERVER_ID = "vid-bench00"  # Source.java's SRS server id
TARGETS = {"cost_cpu": 0.25, "cost_mb": 5.0, "concurrency": 300, "ttft_p95": 0.5}


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


# ------------------------------------------------------------------ streams and channels

def stream_name(prefix, i):
    return "%s%04d" % (prefix, i)


def channel_id(key):
    return str(uuid.uuid5(CHANNEL_NS, key))


def public_name(key):
    """md5 of the channel uuid's text: the thumbnail's file name without .jpg (Channel.publicName)."""
    return hashlib.md5(channel_id(key).encode("ascii")).hexdigest()


class FakePostgrest:
    """Answers the worker's channel lookups like PostgREST does (GET /rest/v1/<table>, JSON arrays): eq. and in.()
    filters on the stream-key column, and the unfiltered paged listing (order/limit/offset). Every key with the
    bench prefix is a channel whose id is uuid5(key). PATCH answers the matched rows (return=representation)."""

    def __init__(self, port, prefix, count, table="channels_channel"):
        self.prefix, self.count, self.table = prefix, count, table
        self.requests = 0
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                fake.requests += 1
                self._answer(fake.rows(self.path))

            def do_PATCH(self):
                fake.requests += 1
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                self._answer([{"id": r["id"]} for r in fake.rows(self.path)])

            def _answer(self, rows):
                if rows is None:
                    body = json.dumps({"code": "42P01", "message": "relation does not exist", "details": None,
                                       "hint": None}).encode()
                    self.send_response(404)
                else:
                    body = json.dumps(rows).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def row(self, key):
        return {"id": channel_id(key), "stream_id": key, "is_on_live": True, "last_status": "online",
                "cover": public_name(key) + ".jpg", "modified": None}

    def is_channel(self, key):
        return re.fullmatch(re.escape(self.prefix) + r"\d{4,}", key) is not None

    def rows(self, path):
        url = urllib.parse.urlsplit(path)
        if url.path.rstrip("/") != "/rest/v1/" + self.table:
            return None
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        one = lambda k: q[k][0] if k in q else None  # noqa: E731
        key_filter = one("stream_id")
        if key_filter is not None and key_filter.startswith("eq."):
            keys = [key_filter[3:]]
        elif key_filter is not None and key_filter.startswith("in.(") and key_filter.endswith(")"):
            keys = [k.strip().strip('"').replace('\\"', '"').replace("\\\\", "\\")
                    for k in re.findall(r'"(?:[^"\\]|\\.)*"|[^,]+', key_filter[4:-1])]
        else:
            keys = [stream_name(self.prefix, i) for i in range(self.count)]
            keys.sort(key=channel_id)
            offset, limit = int(one("offset") or 0), int(one("limit") or len(keys))
            keys = keys[offset:offset + limit]
        if one("id") is not None and one("id").startswith("eq."):
            keys = [k for k in keys if channel_id(k) == one("id")[3:]]
        rows = [self.row(k) for k in keys if self.is_channel(k)]
        if one("limit") is not None and key_filter is not None:
            rows = rows[:int(one("limit"))]
        if one("select"):
            cols = one("select").split(",")
            rows = [{c: r.get(c) for c in cols} for r in rows]
        return rows


# ------------------------------------------------------------------ RabbitMQ (management API)

class Broker:
    def __init__(self, api, user, password, definitions):
        self.api, self.definitions = api.rstrip("/"), definitions
        import base64
        self.auth = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        self.user = user

    def call(self, method, path, body=None, expect=(200, 201, 204)):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.api + path, data=data, method=method,
                                     headers={"Authorization": self.auth, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                out = r.read()
                return json.loads(out) if out else None
        except urllib.error.HTTPError as e:
            if e.code in expect:
                return None
            raise RuntimeError("%s %s: HTTP %d %s" % (method, path, e.code, e.read()[:300]))

    def create_vhost(self, name):
        q = urllib.parse.quote(name, safe="")
        self.call("PUT", "/api/vhosts/" + q, {})
        self.call("PUT", "/api/permissions/%s/%s" % (q, urllib.parse.quote(self.user, safe="")),
                  {"configure": ".*", "write": ".*", "read": ".*"})
        with open(self.definitions, "rb") as f:
            self.call("POST", "/api/definitions/" + q, f.read())

    def delete_vhost(self, name):
        self.call("DELETE", "/api/vhosts/" + urllib.parse.quote(name, safe=""), expect=(200, 204, 404))

    def publish(self, vhost, event):
        payload = json.dumps(event, separators=(",", ":"))
        props = {"delivery_mode": 2, "message_id": event["eventId"], "content_type": "application/json",
                 "type": event["type"], "timestamp": int(time.time())}
        r = self.call("POST", "/api/exchanges/%s/srs.events/publish" % urllib.parse.quote(vhost, safe=""),
                      {"properties": props, "routing_key": event["type"], "payload": payload,
                       "payload_encoding": "string"})
        if not r or not r.get("routed"):
            raise RuntimeError("event %s was not routed in vhost %s" % (event["type"], vhost))


def event(kind, name, cid, index, app="live"):
    e = {"type": kind, "schemaVersion": 1, "eventId": str(uuid.uuid4()),
         "occurredAt": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%03dZ" % (int(time.time() * 1000) % 1000),
         "source": "srs-hook",
         "session": {"serverId": SERVER_ID, "serviceId": "bench0001", "clientId": cid,
                     "streamId": "vid-%07d" % index, "vhost": "__defaultVhost__", "app": app, "stream": name,
                     "param": "", "ip": "127.0.0.1"}}
    if kind == "stream.unpublished":
        e["reason"] = "unpublished"
    return e


# ------------------------------------------------------------------ the source (Source.java)

class Source:
    def __init__(self, port, pid, logfile, prefix, app):
        self.base = "http://127.0.0.1:%d" % port
        self.pid, self.prefix, self.app = pid, prefix, app
        self.events = []  # parsed log lines, in order
        self.lock = threading.Lock()
        self.logfile = logfile
        threading.Thread(target=self._tail, daemon=True).start()

    def _tail(self):
        while not os.path.exists(self.logfile):
            time.sleep(0.05)
        with open(self.logfile) as f:
            buf = ""
            while True:
                chunk = f.read()
                if not chunk:
                    time.sleep(0.01)
                    continue
                buf += chunk
                *lines, buf = buf.split("\n")
                parsed = []
                for line in lines:
                    parts = line.split()
                    if not parts:
                        continue
                    d = {"event": parts[0]}
                    for p in parts[1:]:
                        k, _, v = p.partition("=")
                        d[k] = v
                    parsed.append(d)
                with self.lock:
                    self.events.extend(parsed)

    def joins(self, stream=None, after_wall=0.0):
        with self.lock:
            return [e for e in self.events if e["event"] == "join" and (stream is None or e["stream"] == stream)
                    and int(e["accepted_wall_us"]) / 1e6 >= after_wall]

    def count(self, kind, since_index=0):
        with self.lock:
            return sum(1 for e in self.events[since_index:] if e["event"] == kind)

    def mark(self):
        with self.lock:
            return len(self.events)

    def post(self, path):
        with urllib.request.urlopen(urllib.request.Request(self.base + path, data=b"", method="POST"),
                                    timeout=30) as r:
            return json.loads(r.read())

    def set_live(self, indexes):
        """Publishes exactly these streams (new publisher sessions for those that were not live) and unpublishes
        every other one; answers {name: client id} of the live ones (from the SRS API)."""
        ranges = ",".join("%d-%d" % (a, b) for a, b in _ranges(sorted(set(indexes))))
        self.post("/bench/set-live?ranges=" + urllib.parse.quote(ranges))
        return self.live_streams()

    def unpublish(self, name):
        return self.post("/bench/unpublish?stream=" + urllib.parse.quote(name))

    def live_streams(self):
        out, start = {}, 0
        while True:
            with urllib.request.urlopen("%s/api/v1/streams?start=%d&count=100" % (self.base, start), timeout=30) as r:
                page = json.loads(r.read())["streams"]
            if not page:
                return out
            for s in page:
                out[s["name"]] = s["publish"]["cid"]
            start += len(page)


def _ranges(xs):
    out = []
    for x in xs:
        if out and out[-1][1] == x - 1:
            out[-1][1] = x
        else:
            out.append([x, x])
    return out


# ------------------------------------------------------------------ /proc accounting

def proc_table():
    """pid -> (ppid, cpu seconds incl. reaped children, rss bytes, starttime)."""
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields[0] is the state (field 3 of proc(5)); utime is field 14 -> index 11
        table[int(d)] = (int(fields[1]), (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / TICK,
                         int(fields[21]) * PAGE, int(fields[19]))
    return table


def tree(root, table):
    children = {}
    for pid, (ppid, *_rest) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        if p in table:
            out.append(p)
            todo.extend(children.get(p, []))
    return out


def tree_usage(root):
    """(cpu seconds of the tree incl. exited children, rss bytes, processes, [(pid, starttime)])."""
    table = proc_table()
    pids = tree(root, table)
    return (sum(table[p][1] for p in pids), sum(table[p][2] for p in pids), len(pids),
            [(p, table[p][3]) for p in pids])


def pss_bytes(pids):
    total = 0
    for p in pids:
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def self_cpu():
    t = os.times()
    return t.user + t.system


def machine_busy():
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    idle = vals[3] + vals[4]
    total = sum(vals[:8])
    return total - idle, total


class Meter:
    """CPU of the worker tree, the source, this harness and the whole machine between two points."""

    def __init__(self, worker_pid, source_pid):
        self.worker_pid, self.source_pid = worker_pid, source_pid
        self.t = time.monotonic()
        self.worker = tree_usage(worker_pid)[0]
        self.source = tree_usage(source_pid)[0]
        self.harness = self_cpu()
        self.machine = machine_busy()

    def since(self, start):
        dt = self.t - start.t
        mb = (self.machine[0] - start.machine[0]) / max(1, self.machine[1] - start.machine[1]) * os.cpu_count()
        return {"seconds": dt, "worker_cpu_s": self.worker - start.worker, "source_cpu_s": self.source - start.source,
                "harness_cpu_s": self.harness - start.harness, "machine_busy_cores": mb,
                "worker_cores": (self.worker - start.worker) / dt, "source_cores": (self.source - start.source) / dt,
                "harness_cores": (self.harness - start.harness) / dt,
                "others_cores": mb - (self.worker - start.worker + self.source - start.source
                                      + self.harness - start.harness) / dt}


# ------------------------------------------------------------------ workers

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """One `java -jar` worker in a fresh vhost with its own thumbnail directory and port."""

    def __init__(self, opts, variant, label, max_captures):
        self.opts, self.variant, self.label = opts, variant, label
        self.dir = os.path.join(opts.out, label)
        self.thumbs = os.path.join(self.dir, "thumbs")
        os.makedirs(self.thumbs, exist_ok=True)
        self.vhost = "thumbnail-bench-%s-%s" % (label.replace("/", "-"), uuid.uuid4().hex[:6])
        self.port = free_port()
        self.max_captures = max_captures
        self.proc = None
        self.known = []  # (pid, starttime) of the tree, last seen

    def env(self):
        o = self.opts
        env = dict(os.environ)
        for k in [k for k in env if k.startswith(("SPRING_", "THUMBNAIL_", "SUPABASE_", "SRS_", "SERVER_"))]:
            del env[k]
        env.update({
            "SPRING_RABBITMQ_HOST": o.rabbit_host, "SPRING_RABBITMQ_PORT": str(o.rabbit_port),
            "SPRING_RABBITMQ_USERNAME": o.rabbit_user, "SPRING_RABBITMQ_PASSWORD": o.rabbit_password,
            "SPRING_RABBITMQ_VIRTUAL_HOST": self.vhost,
            "SUPABASE_URL": "http://127.0.0.1:%d" % o.pg_port, "SUPABASE_KEY": "bench-service-role-key",
            "SRS_APIS": "http://127.0.0.1:%d" % o.source_port if o.srs_api == "fake" else "",
            "THUMBNAIL_DIR": self.thumbs,
            "THUMBNAIL_INPUT_URL": "http://127.0.0.1:%d/{app}/{stream}.flv" % o.source_port,
            "THUMBNAIL_MAX_CAPTURES": str(self.max_captures),
            "THUMBNAIL_INTERVAL": o.interval,
            "SERVER_PORT": str(self.port),
        })
        java_opts = o.worker_java_opts
        if self.variant == "candidate" and o.candidate_java_opts:
            java_opts = o.candidate_java_opts
        if java_opts:
            env["JAVA_TOOL_OPTIONS"] = java_opts
        else:
            env.pop("JAVA_TOOL_OPTIONS", None)
        for spec in (o.worker_env, o.reference_env if self.variant == "reference" else o.candidate_env):
            for kv in (spec or "").split():
                k, _, v = kv.partition("=")
                env[k] = v
        return env

    def start(self):
        self.opts.broker.create_vhost(self.vhost)
        env = self.env()
        with open(os.path.join(self.dir, "env.txt"), "w") as f:
            for k in sorted(env):
                if k.startswith(("SPRING_", "THUMBNAIL_", "SUPABASE_", "SRS_", "SERVER_", "JAVA_TOOL")):
                    f.write("%s=%s\n" % (k, env[k]))
        jar = self.opts.jars[self.variant]
        self.logf = open(os.path.join(self.dir, "worker.log"), "ab")
        self.proc = subprocess.Popen(["java", "-jar", jar], env=env, stdin=subprocess.DEVNULL, stdout=self.logf,
                                     stderr=subprocess.STDOUT, start_new_session=True, cwd=self.dir)
        t0 = time.monotonic()
        url = "http://127.0.0.1:%d/actuator/health/readiness" % self.port
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s before it was ready; see %s/worker.log" % (
                    self.label, self.proc.returncode, self.dir))
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200 and json.loads(r.read()).get("status") == "UP":
                        break
            except (OSError, ValueError):
                pass
            if time.monotonic() - t0 > self.opts.startup_timeout:
                self.stop()
                raise RuntimeError("%s not ready within %ss; see %s/worker.log" % (
                    self.label, self.opts.startup_timeout, self.dir))
            time.sleep(0.25)
        self.ready_s = time.monotonic() - t0
        log("%s: %s ready in %.1f s (pid %d, vhost %s, port %d)" % (self.label, self.variant, self.ready_s,
                                                                   self.proc.pid, self.vhost, self.port))
        return self

    def usage(self):
        cpu, rss, n, known = tree_usage(self.proc.pid)
        if known:
            self.known = known
        return cpu, rss, n, known

    def thumb(self, key):
        return os.path.join(self.thumbs, public_name(key) + ".jpg")

    def stop(self):
        """SIGTERM (the worker hands its jobs back), then SIGKILL for whatever of its tree is left."""
        if self.proc is None:
            self._delete_vhost()
            return
        self.usage()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=self.opts.stop_timeout)
            except subprocess.TimeoutExpired:
                log("%s: no exit %ss after SIGTERM; SIGKILL" % (self.label, self.opts.stop_timeout))
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group this harness created for the worker
        except ProcessLookupError:
            pass
        for pid, start in self.known:  # children that left the group, if they are still the same processes
            try:
                with open("/proc/%d/stat" % pid) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[19]) == start:
                        os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=30)
        self.logf.close()
        self.proc = None
        self._delete_vhost()

    def _delete_vhost(self):
        try:
            self.opts.broker.delete_vhost(self.vhost)
        except Exception as e:  # noqa: BLE001 - a leftover vhost is reported, not fatal
            log("could not delete vhost %s: %s" % (self.vhost, e))


def publish_jobs(opts, worker, names, cids, rate):
    for n in names:
        opts.broker.publish(worker.vhost, event("stream.published", n, cids[n], int(n[len(opts.prefix):]), opts.app))
        if rate > 0:
            time.sleep(1.0 / rate)


def wait_thumbnails(worker, names, timeout):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        missing = [n for n in names if not os.path.exists(worker.thumb(n))]
        if not missing:
            return []
        time.sleep(0.5)
    return missing


class AgeWatch(threading.Thread):
    """Polls the mtime of each stream's thumbnail and keeps every distinct one seen."""

    def __init__(self, worker, names, period=0.5):
        super().__init__(daemon=True)
        self.worker, self.period = worker, period
        self.paths = {n: worker.thumb(n) for n in names}
        self.seen = {n: [] for n in names}
        self.stopping = False

    def add(self, names):
        for n in names:
            self.paths[n] = self.worker.thumb(n)
            self.seen.setdefault(n, [])

    def run(self):
        while not self.stopping:
            for n, p in list(self.paths.items()):
                try:
                    m = os.stat(p).st_mtime_ns / 1e9
                except OSError:
                    continue
                s = self.seen[n]
                if not s or s[-1] != m:
                    s.append(m)
            time.sleep(self.period)

    def max_age(self, name, ws, we):
        """Largest age of the stream's thumbnail at any moment of [ws, we] (wall clock); inf without one."""
        ms = self.seen.get(name, [])
        before = [m for m in ms if m <= ws]
        inside = [m for m in ms if ws < m <= we]
        if not before and not inside:
            return float("inf")
        prev = before[-1] if before else ws
        worst = 0.0 if before else inside[0] - ws
        for m in inside + [we]:
            worst = max(worst, m - prev)
            prev = m
        return worst

    def gaps(self, names, ws, we):
        """Per stream, the seconds between consecutive thumbnail writes that end inside [ws, we]."""
        out = {}
        for n in names:
            ms = self.seen.get(n, [])
            out[n] = [round(b - a, 3) for a, b in zip(ms, ms[1:]) if ws < b <= we]
        return out


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pct(xs, p):
    """Nearest-rank percentile."""
    s = sorted(x for x in xs if x is not None)
    if not s:
        return None
    k = max(0, min(len(s) - 1, -(-p * len(s) // 100) - 1))
    return s[int(k)]


def order(variants, run):
    return list(variants) if run % 2 == 1 else list(reversed(variants))


def save(opts, results):
    with open(os.path.join(opts.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)


# ------------------------------------------------------------------ phases

def phase_cost(opts, results):
    n = opts.cost_streams
    names = [stream_name(opts.prefix, i) for i in range(n)]
    cids = opts.source.set_live(range(n))
    rows = results.setdefault("cost", [])
    for run in range(1, opts.cost_runs + 1):
        for variant in order(opts.variants, run):
            label = "cost/%s-r%d" % (variant, run)
            w = Worker(opts, variant, label, max_captures=n)
            try:
                w.start()
                mark = opts.source.mark()
                publish_jobs(opts, w, names, cids, opts.job_rate)
                time.sleep(opts.cost_warmup)
                missing = wait_thumbnails(w, names, opts.cost_warmup)
                if missing:
                    log("%s: %d of %d streams have no thumbnail after the warm-up" % (label, len(missing), n))
                watch = AgeWatch(w, names)
                watch.start()
                time.sleep(1.0)
                m0, wall0, mark0 = Meter(w.proc.pid, opts.source.pid), time.time(), opts.source.mark()
                rss = []
                t_end = time.monotonic() + opts.cost_seconds
                while time.monotonic() < t_end:
                    time.sleep(min(5.0, max(0.0, t_end - time.monotonic())))
                    rss.append(w.usage()[1])
                m1, wall1 = Meter(w.proc.pid, opts.source.pid), time.time()
                cpu, rss_end, procs, known = w.usage()
                pss = pss_bytes([p for p, _ in known])
                watch.stopping = True
                usage = m1.since(m0)
                ages = [watch.max_age(s, wall0, wall1) for s in names]
                row = {"variant": variant, "run": run, "streams": n, "ready_s": w.ready_s,
                       "cpu_s_per_stream_min": usage["worker_cpu_s"] / n / (usage["seconds"] / 60.0),
                       "rss_mb_per_stream": rss_end / n / 2**20, "rss_mb_per_stream_median": med(rss) / n / 2**20,
                       "pss_mb_per_stream": pss / n / 2**20, "tree_rss_mb": rss_end / 2**20, "tree_pss_mb": pss / 2**20,
                       "processes": procs, "missing_after_warmup": len(missing),
                       "max_age_s": max(ages), "streams_over_max_age": sum(1 for a in ages if a > opts.max_age),
                       "source_joins_window": opts.source.count("join", mark0),
                       "source_joins_run": opts.source.count("join", mark),
                       "source_cpu_s_per_stream_min": usage["source_cpu_s"] / n / (usage["seconds"] / 60.0),
                       "thumbnail_gaps_s": watch.gaps(names, wall0, wall1)}
                row.update(usage)
                rows.append(row)
                log("%s: %.3f CPU-s/stream-min, RSS %.1f MB/stream (PSS %.1f), tree %d processes, source %.2f cores, "
                    "machine %.2f cores (others %.2f), max thumbnail age %.1f s, joins in window %d" % (
                        label, row["cpu_s_per_stream_min"], row["rss_mb_per_stream"], row["pss_mb_per_stream"], procs,
                        usage["source_cores"], usage["machine_busy_cores"], usage["others_cores"], row["max_age_s"],
                        row["source_joins_window"]))
            finally:
                w.stop()
            save(opts, results)


def phase_concurrency(opts, results):
    rows = results.setdefault("concurrency", [])
    for run in range(1, opts.conc_runs + 1):
        for variant in order(opts.variants, run):
            levels = opts.levels[variant]
            label = "concurrency/%s-r%d" % (variant, run)
            opts.source.set_live([])
            w = Worker(opts, variant, label, max_captures=max(levels))
            watch = AgeWatch(w, [])
            held, names = 0, []
            try:
                w.start()
                watch.start()
                for level in levels:
                    new = [stream_name(opts.prefix, i) for i in range(len(names), level)]
                    cids = opts.source.set_live(range(level))
                    time.sleep(opts.gop_fill)
                    names += new
                    watch.add(new)
                    publish_jobs(opts, w, new, cids, opts.job_rate)
                    time.sleep(opts.conc_warmup)
                    missing = wait_thumbnails(w, names, opts.conc_warmup)
                    m0, wall0, mark0 = Meter(w.proc.pid, opts.source.pid), time.time(), opts.source.mark()
                    time.sleep(opts.conc_hold)
                    m1, wall1 = Meter(w.proc.pid, opts.source.pid), time.time()
                    cpu, rss, procs, _ = w.usage()
                    usage = m1.since(m0)
                    ages = [watch.max_age(s, wall0, wall1) for s in names]
                    ok = max(ages) <= opts.max_age
                    row = {"variant": variant, "run": run, "level": level, "held": ok, "max_age_s": max(ages),
                           "median_age_s": med(ages), "streams_over_max_age": sum(1 for a in ages if a > opts.max_age),
                           "missing_after_warmup": len(missing), "tree_rss_mb": rss / 2**20, "processes": procs,
                           "cpu_s_per_stream_min": usage["worker_cpu_s"] / level / (usage["seconds"] / 60.0),
                           "source_joins_window": opts.source.count("join", mark0),
                           "source_shrinks_window": opts.source.count("shrink", mark0),
                           "thumbnail_gaps_s": watch.gaps(names, wall0, wall1)}
                    row.update(usage)
                    rows.append(row)
                    log("%s: N=%d %s: max age %.1f s (median %.1f), %d over %g s | cores: worker %.2f, source %.2f, "
                        "harness %.2f, machine %.2f (others %.2f) | %.3f CPU-s/stream-min, tree RSS %.0f MB | "
                        "source joins %d, shrinks %d" % (
                            label, level, "held" if ok else "FAILED", row["max_age_s"], row["median_age_s"],
                            row["streams_over_max_age"], opts.max_age, usage["worker_cores"], usage["source_cores"],
                            usage["harness_cores"], usage["machine_busy_cores"], usage["others_cores"],
                            row["cpu_s_per_stream_min"], row["tree_rss_mb"], row["source_joins_window"],
                            row["source_shrinks_window"]))
                    save(opts, results)
                    if ok and held == (levels[levels.index(level) - 1] if level != levels[0] else 0):
                        held = level
                    if row["max_age_s"] > opts.conc_stop_age:
                        break
            finally:
                watch.stopping = True
                w.stop()
            results.setdefault("concurrency_held", []).append({"variant": variant, "run": run, "held": held,
                                                               "levels": levels})
            log("%s: largest level held: %d" % (label, held))
            save(opts, results)


def ttft_trial(opts, w, name, cid, index):
    path = w.thumb(name)
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    time.sleep(random.uniform(0.0, 2.0))  # a random phase against the 2 s GOP
    t_pub = time.time()
    opts.broker.publish(w.vhost, event("stream.published", name, cid, index, opts.app))
    deadline = time.monotonic() + opts.ttft_timeout
    mtime = None
    while time.monotonic() < deadline:
        try:
            mtime = os.stat(path).st_mtime_ns / 1e9
            break
        except FileNotFoundError:
            time.sleep(0.005)
    seen = time.time()
    joins = opts.source.joins(name, after_wall=t_pub - 0.001)
    for _ in range(100):
        if joins or mtime is None:
            break
        time.sleep(0.01)
        joins = opts.source.joins(name, after_wall=t_pub - 0.001)
    connect = int(joins[0]["accepted_wall_us"]) / 1e6 if joins else None
    sent = int(joins[0]["wall_us"]) / 1e6 if joins else None
    # the stream ends as a publisher's end does behind SRS: the response ends, then the unpublish event
    opts.source.unpublish(name)
    opts.broker.publish(w.vhost, event("stream.unpublished", name, cid, index, opts.app))
    return {"stream": name, "publish_wall": t_pub, "connect_wall": connect, "gop_sent_wall": sent,
            "thumbnail_mtime": mtime, "seen_wall": seen,
            "connect_to_thumbnail_s": (mtime - connect) if (mtime is not None and connect is not None) else None,
            "publish_to_thumbnail_s": (mtime - t_pub) if mtime is not None else None,
            "publish_to_connect_s": (connect - t_pub) if connect is not None else None,
            "gop_ms": int(joins[0]["gop_ms"]) if joins else None,
            "connections": len(joins)}


def phase_ttft(opts, results):
    rows = results.setdefault("ttft", [])
    per_run = opts.ttft_trials + opts.ttft_warmup
    base = 0
    workers = {}
    try:
        for v in opts.variants:
            workers[v] = Worker(opts, v, "ttft/%s" % v, max_captures=16)
            workers[v].start()
        for run in range(1, opts.ttft_runs + 1):
            indexes = list(range(base, base + per_run * len(opts.variants)))
            base += len(indexes)
            cids = opts.source.set_live(indexes)
            time.sleep(opts.gop_fill)
            it = iter(indexes)
            for trial in range(1 - opts.ttft_warmup, opts.ttft_trials + 1):
                for v in order(opts.variants, run + trial):
                    i = next(it)
                    name = stream_name(opts.prefix, i)
                    r = ttft_trial(opts, workers[v], name, cids[name], i)
                    r.update({"variant": v, "run": run, "trial": trial, "warmup": trial <= 0})
                    rows.append(r)
                    f = lambda x: "%.3f s" % x if x is not None else "NONE"  # noqa: E731
                    log("ttft %s run %d trial %d%s: connect->thumbnail %s, publish->thumbnail %s, publish->connect %s,"
                        " %d connection(s)" % (v, run, trial, " (warm-up)" if trial <= 0 else "",
                                               f(r["connect_to_thumbnail_s"]), f(r["publish_to_thumbnail_s"]),
                                               f(r["publish_to_connect_s"]), r["connections"]))
            save(opts, results)
    finally:
        for w in workers.values():
            w.stop()


# ------------------------------------------------------------------ summary

def fmt(x, spec="%.3f"):
    return "n/a" if x is None else (spec % x)


def summary(opts, results):
    out = ["", "## Thumbnail engine benchmark: %s" % time.strftime("%Y-%m-%d %H:%M"), ""]
    for v, jar in opts.jars.items():
        out.append("- %s: `%s` (%s)" % (v, jar, opts.jar_notes.get(v, "")))
    out.append("")
    if results.get("cost"):
        out += ["### cost: %d streams, %g s window after %g s warm-up, medians of runs" % (
            opts.cost_streams, opts.cost_seconds, opts.cost_warmup), "",
            "| worker | runs | CPU-s / stream-min (min–max) | RSS MB / stream (min–max) | PSS MB / stream | "
            "source cores | source CPU-s / stream-min | machine busy cores | max thumbnail age s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for v in opts.variants:
            rs = [r for r in results["cost"] if r["variant"] == v]
            if not rs:
                continue
            c = [r["cpu_s_per_stream_min"] for r in rs]
            m = [r["rss_mb_per_stream"] for r in rs]
            out.append("| %s | %d | **%s** (%s–%s) | **%s** (%s–%s) | %s | %s | %s | %s | %s |" % (
                v, len(rs), fmt(med(c)), fmt(min(c)), fmt(max(c)), fmt(med(m), "%.1f"), fmt(min(m), "%.1f"),
                fmt(max(m), "%.1f"), fmt(med([r["pss_mb_per_stream"] for r in rs]), "%.1f"),
                fmt(med([r["source_cores"] for r in rs]), "%.2f"),
                fmt(med([r["source_cpu_s_per_stream_min"] for r in rs])),
                fmt(med([r["machine_busy_cores"] for r in rs]), "%.2f"),
                fmt(max(r["max_age_s"] for r in rs), "%.1f")))
        out += ["", "Targets: <= %.2f CPU-s per stream-minute, <= %.0f MB per stream." % (
            TARGETS["cost_cpu"], TARGETS["cost_mb"]), ""]
    if results.get("concurrency_held"):
        out += ["### concurrency: every thumbnail <= %g s old for %g s (after %g s warm-up per level)" % (
            opts.max_age, opts.conc_hold, opts.conc_warmup), "",
            "| worker | levels | largest held per run | median | at the last level held: worker cores, source cores, "
            "machine busy |", "| --- | --- | --- | --- | --- |"]
        for v in opts.variants:
            hs = [h for h in results["concurrency_held"] if h["variant"] == v]
            if not hs:
                continue
            last = []
            for h in hs:
                rs = [r for r in results["concurrency"] if r["variant"] == v and r["run"] == h["run"]
                      and r["level"] == h["held"]]
                if rs:
                    last.append("%.2f / %.2f / %.2f" % (rs[0]["worker_cores"], rs[0]["source_cores"],
                                                        rs[0]["machine_busy_cores"]))
            out.append("| %s | %s | %s | **%s** | %s |" % (
                v, " ".join(str(x) for x in opts.levels[v]), ", ".join(str(h["held"]) for h in hs),
                fmt(med([h["held"] for h in hs]), "%g"), "; ".join(last) or "n/a"))
        out += ["", "Largest thumbnail age per level (streams over %g s), run by run:" % opts.max_age, ""]
        for r in sorted({(r["variant"], r["run"]) for r in results["concurrency"]}):
            rs = [x for x in results["concurrency"] if (x["variant"], x["run"]) == r]
            out.append("- %s run %d: %s" % (r[0], r[1], ", ".join(
                "%d: %.1f s (%d)" % (x["level"], x["max_age_s"], x["streams_over_max_age"]) for x in rs)))
        out += ["", "Target: >= %d streams. Every level: `results.json` (\"concurrency\")." % TARGETS["concurrency"], ""]
    if results.get("ttft"):
        out += ["### ttft: reader's connection accepted by the source -> thumbnail file (mtime), %d trials per run" % (
            opts.ttft_trials), "",
            "| worker | runs | p50 (median of runs) | p95 (median of runs) | p50 / p95 of all trials | max | "
            "publish -> thumbnail p50 / p95 | no thumbnail |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for v in opts.variants:
            rs = [r for r in results["ttft"] if r["variant"] == v and not r["warmup"]]
            if not rs:
                continue
            runs = sorted({r["run"] for r in rs})
            p50s = [pct([r["connect_to_thumbnail_s"] for r in rs if r["run"] == k], 50) for k in runs]
            p95s = [pct([r["connect_to_thumbnail_s"] for r in rs if r["run"] == k], 95) for k in runs]
            allc = [r["connect_to_thumbnail_s"] for r in rs]
            allp = [r["publish_to_thumbnail_s"] for r in rs]
            out.append("| %s | %d | **%s** | **%s** | %s / %s | %s | %s / %s | %d |" % (
                v, len(runs), fmt(med(p50s)), fmt(med(p95s)), fmt(pct(allc, 50)), fmt(pct(allc, 95)),
                fmt(max([x for x in allc if x is not None], default=None)), fmt(pct(allp, 50)), fmt(pct(allp, 95)),
                sum(1 for x in allc if x is None)))
        out += ["", "Target: p95 <= %.1f s." % TARGETS["ttft_p95"], ""]
    text = "\n".join(out)
    with open(os.path.join(opts.out, "summary.md"), "w") as f:
        f.write(text + "\n")
    print(text, flush=True)


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("phases", nargs="*", default=["cost", "concurrency", "ttft"])
    a = ap.add_argument
    a("--out", required=True)
    a("--variants", default="reference candidate")
    a("--reference-jar")
    a("--candidate-jar")
    a("--jar-note", action="append", default=[], help="variant=text, shown in the summary")
    a("--definitions", required=True)
    a("--rabbit-host", default="127.0.0.1")
    a("--rabbit-port", type=int, default=5672)
    a("--rabbit-user", default="guest")
    a("--rabbit-password", default="guest")
    a("--rabbit-api", default="http://127.0.0.1:15672")
    a("--source-port", type=int, required=True)
    a("--source-pid", type=int, required=True)
    a("--source-log", required=True)
    a("--source-streams", type=int, required=True)
    a("--prefix", default="bench-")
    a("--app", default="live")
    a("--pg-port", type=int, default=0)
    a("--srs-api", choices=["fake", "none"], default="fake")
    a("--interval", default="10s")
    a("--worker-java-opts", default="")
    a("--candidate-java-opts", default="")
    a("--worker-env", default="")
    a("--reference-env", default="")
    a("--candidate-env", default="")
    a("--startup-timeout", type=float, default=180)
    a("--stop-timeout", type=float, default=30)
    a("--job-rate", type=float, default=20, help="jobs published per second (0: at once)")
    a("--gop-fill", type=float, default=3, help="seconds between publishing streams at the source and their jobs")
    a("--max-age", type=float, default=12)
    a("--cost-runs", type=int, default=3)
    a("--cost-streams", type=int, default=100)
    a("--cost-warmup", type=float, default=60)
    a("--cost-seconds", type=float, default=180)
    a("--conc-runs", type=int, default=3)
    a("--conc-levels-reference", default="60 90 120")
    a("--conc-levels-candidate", default="100 200 300 400")
    a("--conc-warmup", type=float, default=30)
    a("--conc-hold", type=float, default=120)
    a("--conc-stop-age", type=float, default=24,
      help="the ramp goes on past a level not held unless a thumbnail was older than this")
    a("--ttft-runs", type=int, default=3)
    a("--ttft-trials", type=int, default=20)
    a("--ttft-warmup", type=int, default=2)
    a("--ttft-timeout", type=float, default=30)
    opts = ap.parse_args()
    phases = " ".join(opts.phases).split()
    opts.variants = opts.variants.split()
    opts.jars = {v: getattr(opts, v + "_jar") for v in opts.variants}
    opts.jar_notes = dict(n.split("=", 1) for n in opts.jar_note)
    for v, jar in opts.jars.items():
        if not jar or not os.path.isfile(jar):
            sys.exit("no jar for %s: %s" % (v, jar))
    opts.levels = {"reference": [int(x) for x in opts.conc_levels_reference.split()],
                   "candidate": [int(x) for x in opts.conc_levels_candidate.split()]}
    need = max([opts.cost_streams if "cost" in phases else 0]
               + [max(opts.levels[v]) for v in opts.variants if "concurrency" in phases]
               + [opts.ttft_runs * (opts.ttft_trials + opts.ttft_warmup) * len(opts.variants)
                  if "ttft" in phases else 0])
    if need > opts.source_streams:
        sys.exit("the source serves %d streams, the phases need %d" % (opts.source_streams, need))
    os.makedirs(opts.out, exist_ok=True)
    if not opts.pg_port:
        opts.pg_port = free_port()
    opts.postgrest = FakePostgrest(opts.pg_port, opts.prefix, opts.source_streams)
    opts.broker = Broker(opts.rabbit_api, opts.rabbit_user, opts.rabbit_password, opts.definitions)
    opts.source = Source(opts.source_port, opts.source_pid, opts.source_log, opts.prefix, opts.app)
    results = {"params": {k: v for k, v in vars(opts).items() if k not in ("postgrest", "broker", "source")},
               "phases": phases}
    interrupted = False

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        for phase in phases:
            log("== %s" % phase)
            {"cost": phase_cost, "concurrency": phase_concurrency, "ttft": phase_ttft}[phase](opts, results)
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: the summary covers what was measured")
    finally:
        save(opts, results)
        summary(opts, results)
    if interrupted:
        sys.exit(130)


if __name__ == "__main__":
    main()
