"""Two field users send the largest photo request the limits allow; how long does /healthz wait?

    .venv/bin/python bench/bench_photos.py                 # serve.sh's default workers, then 2
    .venv/bin/python bench/bench_photos.py --workers 2 5

Runs ``scripts/serve.sh`` on a scratch SQLite site (as tests/reliability/test_serve.py
does), sends the two requests at once and polls /healthz every 0.1 s while they run. Not
part of ``make bench`` (it needs no generated county); its figures are recorded by hand in
docs/benchmarks.md ("Photos").
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")  # for the photo limits

import django  # noqa: E402

django.setup()


def measure(workers, port):
    from tests.reliability.harness import Site
    from tests.reliability.load import Browser
    from tests.reliability.test_serve import _healthz, _maximal_photos, serve

    root = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    try:
        site = Site(root, f"sqlite:///{root / 'db.sqlite3'}")
        site.manage("migrate", "--noinput", "-v0")
        people = site.scenario("seed_load", inspectors=2, supervisors=0)["people"]
        site.manage("collectstatic", "--noinput", "-v0")
        photos = _maximal_photos()
        env = {"WORKERS": str(workers)} if workers else {}
        answers, waits = [], []
        with serve(site, port, **env) as (_process, url, _log):

            def upload(person):
                browser = Browser(url)
                browser.login(person["username"], person["password"])
                path = f"/hazards/register/?enterprise={person['enterprises'][0]}"
                page = browser.get(path)
                started = time.monotonic()
                fields = {
                    "csrfmiddlewaretoken": browser.token(page),
                    "level": "general",
                    "category": "condition",
                    "subject": "fire",
                    "description": "配电箱未上锁",
                    "found_on": time.strftime("%Y-%m-%d"),
                }
                answer = browser.post(path, fields, files=photos)
                answers.append((answer.status, round(time.monotonic() - started, 2)))

            threads = [threading.Thread(target=upload, args=(p,)) for p in people]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            while any(thread.is_alive() for thread in threads):
                waits.append(_healthz(url, timeout=120))
                time.sleep(0.1)
        return {
            "workers": workers or "default (2 x cores + 1)",
            "photos_per_request": len(photos),
            "request_mb": round(sum(len(p[2]) for p in photos) / 2**20, 1),
            "answers": answers,
            "healthz_checks": len(waits),
            "healthz_slowest_s": round(max(waits), 3),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="*", default=[0, 2])
    parser.add_argument("--port", type=int, default=18631)
    args = parser.parse_args()
    for workers in args.workers:
        print("RESULT " + json.dumps(measure(workers, args.port), ensure_ascii=False))  # noqa: T201


if __name__ == "__main__":
    main()
