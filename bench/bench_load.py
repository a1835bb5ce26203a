"""Pages per second under gunicorn on loopback: the ledger against the bare page.

gunicorn runs the production WSGI app (2 sync workers, bench.settings = config.settings
with its own STATIC_ROOT and the bare page of bench/views.py) against the bench database
on a free loopback port. A small load generator (threads + http.client: no wrk on the
machine) logs ``--clients`` clients in through the login form (each its own user, django-axes
on): township supervisors and county users. Then, in ``--rounds`` alternating rounds, each
group requests the ledger (隐患台账) and the bare page (the same 50 rows from the same
scoped queryset in a plain ``<table>``, bench/views.py) in a closed loop: township ledger,
township bare, county ledger, county bare, and again. So a burst of load from another
process weighs on both, and the ratio ledger ÷ bare (throughput) is the figure
(issue 17: ≥ 0.8×). Each page gets ``--seconds`` in all; recorded: throughput, p50/p99,
every non-200 answer or connection error, and the workers' CPU per request (from /proc,
over every request served, warm-ups included). Requests still running at the end of a
round are waited for, and the round's throughput is over the time it really took. The clients send ``Accept-Encoding: gzip`` like a browser. Also
``/healthz`` (one ``SELECT 1``: this server's ceiling) and the county dashboard.
"""

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cookies_from(response, jar):
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def request(port, method, path, jar, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        h = {"Host": "127.0.0.1", **(headers or {})}
        if jar:
            h["Cookie"] = cookie_header(jar)
        conn.request(method, path, body=body, headers=h)
        response = conn.getresponse()
        data = response.read()
        cookies_from(response, jar)
        return response.status, response.getheader("Location"), data
    finally:
        conn.close()


def login(port, username):
    """Log in through the form; returns the cookie jar with the session."""
    jar = {}
    status, _loc, page = request(port, "GET", "/login/", jar)
    token = CSRF_INPUT.search(page)
    if status != 200 or not token:
        raise RuntimeError(f"login page answered {status}")
    body = urlencode(
        {
            "username": username,
            "password": common.PASSWORD,
            "csrfmiddlewaretoken": token.group(1).decode(),
        }
    )
    status, location, _ = request(
        port,
        "POST",
        "/login/",
        jar,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login of {username} failed: {status} → {location}")
    return jar


def run_load(port, path, jars, seconds, warmup=3.0, headers=None):
    """``len(jars)`` clients in a closed loop on ``path`` for ``seconds`` after ``warmup``."""
    latencies, errors, sizes, done = [], [], [], []
    lock = threading.Lock()
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    def client(jar):
        mine, bad, size, count = [], [], 0, 0
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                status, location, body = request(port, "GET", path, dict(jar), headers=headers)
                if status != 200:
                    bad.append(f"{status} {location or ''}".strip())
                size = len(body)
            except OSError as exc:
                bad.append(type(exc).__name__)
            t1 = time.perf_counter()
            count += 1
            if t0 >= measure_from:
                mine.append(t1 - t0)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)
            sizes.append(size)
            done.append(count)

    threads = [threading.Thread(target=client, args=(jar,)) for jar in jars]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The requests started before the end are waited for: a slow page runs past ``seconds``,
    # and its throughput is what was served over the time it really took.
    elapsed = max(seconds, time.perf_counter() - measure_from)
    return {"latencies": latencies, "errors": errors, "seconds": elapsed,
            "bytes": max(sizes, default=0), "all_requests": sum(done)}  # fmt: skip


def summary(path, clients, runs, cpu_s=None):
    """One figure from the runs of one page: throughput, p50/p99, errors, CPU per request."""
    latencies = [x for r in runs for x in r["latencies"]]
    errors = [e for r in runs for e in r["errors"]]
    seconds = sum(r["seconds"] for r in runs)
    out = {
        "path": path,
        "clients": clients,
        "seconds": round(seconds, 1),
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(common.percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(common.percentile(latencies, 99) * 1000, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "bytes": max((r["bytes"] for r in runs), default=0),
        "rounds_rps": [round(len(r["latencies"]) / r["seconds"], 1) for r in runs],
    }
    served = sum(r["all_requests"] for r in runs)  # the warm-ups' too: their CPU is counted
    if cpu_s is not None and served:
        out["cpu_ms"] = round(cpu_s * 1000 / served, 1)
    return out


def worker_cpu(master):
    """User + system CPU seconds of gunicorn's workers (the master's children) so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        with open(f"/proc/{master}/task/{master}/children", encoding="ascii") as fh:
            pids = fh.read().split()
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


def cpu_times():
    """The machine's CPU jiffies so far (/proc/stat): user+nice+system, idle+iowait, steal."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            f = [int(x) for x in fh.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return {"busy": f[0] + f[1] + f[2] + f[5] + f[6], "idle": f[3] + f[4], "steal": f[7]}


def host_share(before, after):
    """What the host left us while the pages ran: the share of CPU time the hypervisor took
    for other guests (steal) and our own busy share. A p99 measured while a fifth of the CPU
    went elsewhere reads that, not only the page."""
    if before is None or after is None:
        return {}
    d = {k: after[k] - before[k] for k in before}
    total = sum(d.values()) or 1
    return {"steal_pct": round(d["steal"] * 100 / total, 1),
            "busy_pct": round(d["busy"] * 100 / total, 1)}  # fmt: skip


def python_speed():
    """Seconds for 10 million additions in a plain loop: the same work on every run, so
    runs on a fast and a slow host can be told apart (1.0-1.1 s on a quiet host of this
    class, 2-3 s when it is shared)."""
    start, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i
    return round(time.perf_counter() - start, 2)


def start_gunicorn(db, n, port, workers):
    env = common.child_env(db, n)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=common.ROOT,
        env=env,
        check=True,
    )
    log = open(common.RESULTS / f"gunicorn-{db}.log", "w")  # noqa: SIM115 — lives with the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60",
         # Its own control socket: gunicorn 27 defaults to ~/.gunicorn/gunicorn.ctl, shared
         # by every gunicorn of the user, and a neighbour's reload there HUPs our workers.
         "--control-socket", str(common.RESULTS / f"gunicorn-{db}.ctl")],
        cwd=common.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if request(port, "GET", "/healthz", {})[0] == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}, see {log.name}")
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


# (who, page, path): the ledger and the bare page for a township supervisor and a county
# user, measured alternately in the same server.
PAGES = [
    ("township", "ledger", "/hazards/?status=deadline"),
    ("township", "bare", "/bench/bare/?status=deadline"),
    ("county", "ledger", "/hazards/"),
    ("county", "bare", "/bench/bare/"),
]
USERS = {
    "township": [f"sup{t:02d}a" for t in range(1, 21)],
    "county": [f"county{i}" for i in range(1, 6)],
}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20, help="per page, all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-gzip", action="store_true", help="send no Accept-Encoding")
    args = parser.parse_args(argv)

    port = free_port()
    proc = start_gunicorn(args.db, args.hazards, port, args.workers)
    headers = None if args.no_gzip else {"Accept-Encoding": "gzip"}
    out = {"workers": args.workers, "rounds": args.rounds, "gzip": not args.no_gzip}
    out["host"] = {"python_loop_s": python_speed()}
    start_cpu = cpu_times()
    try:
        jars = {
            who: [login(port, users[i % len(users)]) for i in range(args.clients)]
            for who, users in USERS.items()
        }
        health = run_load(port, "/healthz", jars["township"], args.seconds / 2, warmup=1)
        out["healthz"] = summary("/healthz", args.clients, [health])
        runs = {(who, page): [] for who, page, _path in PAGES}
        cpu = {key: 0.0 for key in runs}
        refused = {}
        for who, page, path in PAGES:
            status, location, _ = request(port, "GET", path, jars[who][0])
            if status != 200:
                refused[(who, page)] = f"{path} answered {status} {location or ''}"
        per_round = args.seconds / args.rounds
        for _ in range(args.rounds):
            for who, page, path in PAGES:
                if (who, page) in refused:
                    continue
                before = worker_cpu(proc.pid)
                runs[(who, page)].append(
                    run_load(port, path, jars[who], per_round, warmup=1, headers=headers)
                )
                after = worker_cpu(proc.pid)
                if before is not None and after is not None:
                    cpu[(who, page)] += after - before  # warm-up included: an upper bound
        for who, page, path in PAGES:
            key = f"{page}_{who}"
            if (who, page) in refused:
                out[key] = {"note": refused[(who, page)]}
            else:
                out[key] = summary(path, args.clients, runs[(who, page)], cpu[(who, page)])
        for who in USERS:
            ledger, bare = out[f"ledger_{who}"], out[f"bare_{who}"]
            if ledger.get("rps") and bare.get("rps"):
                out[f"ratio_{who}"] = round(ledger["rps"] / bare["rps"], 2)
                out[f"ratio_{who}_rounds"] = [
                    round(a / b, 2) if b else None
                    for a, b in zip(ledger["rounds_rps"], bare["rounds_rps"], strict=True)
                ]
        out["host"].update(host_share(start_cpu, cpu_times()))
        # The dashboard, as before (county users: its tables come from the cache, §4).
        status, location, _ = request(port, "GET", "/reports/", jars["county"][0])
        if status == 200:
            dash = run_load(port, "/reports/", jars["county"], per_round * 2, warmup=1,
                            headers=headers)  # fmt: skip
            out["dashboard"] = summary("/reports/", args.clients, [dash])
        else:
            out["dashboard"] = {"note": f"/reports/ answered {status} {location or ''}"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    common.emit(out)


if __name__ == "__main__":
    main()
