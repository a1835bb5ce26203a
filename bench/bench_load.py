"""Pages per second under gunicorn on loopback: the hazard list and the dashboard.

gunicorn runs the production WSGI app (2 sync workers, bench.settings = config.settings
with its own STATIC_ROOT) against the bench database on a free loopback port. A small
load generator (threads + http.client: no wrk on the machine) opens ``--clients``
clients, each logging in once through the login form with its own user and the right
password (django-axes is on), then requesting the page in a closed loop for
``--seconds``. It records throughput, p50/p99 latency and every non-200 answer or
connection error. The baseline is gunicorn's own ceiling on the same machine: the
``/healthz`` view (one ``SELECT 1``), measured the same way in the same run.
"""

import argparse
import http.client
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


def run_load(port, path, users, clients, seconds, warmup=3.0):
    jars = [login(port, users[i % len(users)]) for i in range(clients)]
    latencies, errors = [], []
    lock = threading.Lock()
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    def client(jar):
        mine, bad = [], []
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                status, location, _ = request(port, "GET", path, dict(jar))
                if status != 200:
                    bad.append(f"{status} {location or ''}".strip())
            except OSError as exc:
                bad.append(type(exc).__name__)
            t1 = time.perf_counter()
            if t0 >= measure_from:
                mine.append(t1 - t0)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(jar,)) for jar in jars]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "path": path,
        "clients": clients,
        "seconds": seconds,
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(common.percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(common.percentile(latencies, 99) * 1000, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
    }


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


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    port = free_port()
    proc = start_gunicorn(args.db, args.hazards, port, args.workers)
    out = {"workers": args.workers}
    try:
        supervisors = [f"sup{t:02d}a" for t in range(1, 21)]
        county = [f"county{i}" for i in range(1, 6)]
        out["healthz"] = run_load(port, "/healthz", supervisors, args.clients, args.seconds / 3)
        status, location, _ = request(
            port, "GET", "/hazards/?status=deadline", login(port, "sup01a")
        )
        if status == 200:
            out["list"] = run_load(
                port, "/hazards/?status=deadline", supervisors, args.clients, args.seconds
            )
        else:
            out["list"] = {"note": f"/hazards/ answered {status} {location or ''}"}
        status, location, _ = request(port, "GET", "/reports/", login(port, "county1"))
        if status == 200:
            out["dashboard"] = run_load(port, "/reports/", county, args.clients, args.seconds)
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
