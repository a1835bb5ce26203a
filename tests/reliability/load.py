"""A bounded load run against a real gunicorn: logged-in people moving hazards through the
pages, every answer checked, every acknowledged write remembered.

Used by test_concurrency.py: the short run in CI, the 60-second run by ``make reliability``.
"""

import html
import http.cookiejar
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from tests.reliability.harness import ROOT
from tests.reliability.scenario import jpeg_bytes

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SEEN = re.compile(r'name="seen" value="([^"]*)"')
_DETAIL = re.compile(r"^/hazards/(\d+)/$")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Answer:
    def __init__(self, status, body, location):
        self.status = status
        self.body = body
        self.location = location


class Browser:
    """One person's browser: cookies, CSRF token, no automatic redirects."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def _send(self, request, timeout=60):
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Answer(response.status, response.read().decode("utf-8", "replace"), None)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            location = exc.headers.get("Location")
            if location:
                location = urllib.parse.urlsplit(location).path
            return Answer(exc.code, body, location)

    def get(self, path):
        return self._send(urllib.request.Request(self.base + path))  # noqa: S310

    def post(self, path, fields, files=()):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, filename, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(  # noqa: S310
            self.base + path,
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            method="POST",
        )
        return self._send(request)

    @staticmethod
    def token(page):
        match = _CSRF.search(page.body)
        if not match:
            raise LoadError(f"no CSRF token on the page (HTTP {page.status})")
        return match.group(1)

    def login(self, username, password):
        page = self.get("/login/")
        answer = self.post(
            "/login/",
            {
                "csrfmiddlewaretoken": self.token(page),
                "username": username,
                "password": password,
                "next": "",
            },
        )
        if answer.status != 302:
            raise LoadError(f"login of {username} answered {answer.status}")


class LoadError(Exception):
    pass


@dataclass
class Ledger:
    """What the clients were told: acknowledged writes and every bad answer."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    expected: dict = field(default_factory=dict)  # hazard id -> (status, events)
    writes: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def acknowledge(self, hazard_id, status, action):
        with self.lock:
            _old, events = self.expected.get(hazard_id, (None, 0))
            self.expected[hazard_id] = (status, events + 1)
            self.writes[action] += 1

    def error(self, who, what, answer=None):
        with self.lock:
            detail = ""
            if answer is not None:
                detail = f" HTTP {answer.status}: {_text(answer.body)[:300]}"
            self.errors.append(f"{who}: {what}{detail}")

    def saw(self, answer):
        with self.lock:
            self.statuses[answer.status] += 1

    @property
    def total_writes(self):
        return sum(self.writes.values())


def _text(body):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


class Run:
    def __init__(self, base, people, seconds, today):
        self.base = base
        self.people = people
        self.seconds = seconds
        self.today = today
        self.ledger = Ledger()
        self.to_close = queue.Queue()
        self.stop_at = None
        self.photo_seq = 0
        self.photo_lock = threading.Lock()

    def _photo(self):
        with self.photo_lock:
            self.photo_seq += 1
            return jpeg_bytes(self.photo_seq)

    def _act(self, browser, who, hazard_id, action, url, fields, files=(), target=None):
        """GET the detail page for the CSRF token and ``seen``, POST the action."""
        page = browser.get(f"/hazards/{hazard_id}/")
        self.ledger.saw(page)
        if page.status != 200:
            self.ledger.error(who, f"detail of {hazard_id}", page)
            return False
        seen = _SEEN.search(page.body)
        fields = {
            "csrfmiddlewaretoken": browser.token(page),
            "seen": html.unescape(seen.group(1)) if seen else "",
            **fields,
        }
        answer = browser.post(f"/hazards/{hazard_id}/{url}/", fields, files)
        self.ledger.saw(answer)
        if answer.status == 302 and answer.location == f"/hazards/{hazard_id}/":
            self.ledger.acknowledge(hazard_id, target, action)
            return True
        self.ledger.error(who, f"{action} of {hazard_id}", answer)
        return False

    def inspector(self, person):
        who = person["username"]
        browser = Browser(self.base)
        browser.login(who, person["password"])
        self.ready.wait()
        enterprises = person["enterprises"]
        n = 0
        while time.monotonic() < self.stop_at:
            n += 1
            enterprise = enterprises[n % len(enterprises)]
            path = f"/hazards/register/?enterprise={enterprise}"
            page = browser.get(path)
            self.ledger.saw(page)
            if page.status != 200:
                self.ledger.error(who, "register page", page)
                continue
            answer = browser.post(
                path,
                {
                    "csrfmiddlewaretoken": browser.token(page),
                    "level": "general",
                    "category": "condition",
                    "subject": "fire",
                    "description": f"{who} 第{n}条：消防通道堵塞",
                    "location": "仓库",
                    "found_on": self.today.isoformat(),
                },
                [("photos", f"{who}-{n}.jpg", self._photo())],
            )
            self.ledger.saw(answer)
            match = _DETAIL.match(answer.location or "") if answer.status == 302 else None
            if not match:
                self.ledger.error(who, "register", answer)
                continue
            hazard_id = int(match.group(1))
            self.ledger.acknowledge(hazard_id, "found", "register")
            if n % 4 == 3:
                continue  # some stay FOUND
            if not self._act(
                browser,
                who,
                hazard_id,
                "set_deadline",
                "set-deadline",
                {
                    "deadline": (self.today + timedelta(days=15)).isoformat(),
                    "measures": "清理通道，设置警示标志",
                    "responsible_person": "王五",
                    "funds_yuan": "200",
                },
                target="deadline",
            ):
                continue
            if n % 4 == 2:
                continue  # some stay in DEADLINE
            if self._act(
                browser,
                who,
                hazard_id,
                "report_fixed",
                "report-fixed",
                {"fixed_on": self.today.isoformat(), "note": "已清理"},
                [("after_photos", f"{who}-{n}-after.jpg", self._photo())],
                target="fixed",
            ):
                self.to_close.put(hazard_id)

    def supervisor(self, person):
        who = person["username"]
        browser = Browser(self.base)
        browser.login(who, person["password"])
        self.ready.wait()
        # Inspectors start no new hazard after the stop time but finish the one in hand;
        # supervisors close out until they are done and nothing is left to close.
        while self.inspectors_busy.is_set() or not self.to_close.empty():
            try:
                hazard_id = self.to_close.get(timeout=0.5)
            except queue.Empty:
                # Meanwhile, read what supervisors read.
                page = browser.get("/hazards/?status=fixed")
                self.ledger.saw(page)
                if page.status != 200:
                    self.ledger.error(who, "ledger", page)
                continue
            self._act(
                browser,
                who,
                hazard_id,
                "close_out",
                "close-out",
                {"acceptance_note": "复查合格，同意销号"},
                target="closed",
            )

    def _start_clock(self):
        self.stop_at = time.monotonic() + self.seconds

    def go(self):
        # Everybody logs in first (password hashing is slow on purpose); the clock starts
        # when the last one is in.
        self.ready = threading.Barrier(len(self.people), action=self._start_clock, timeout=300)
        self.inspectors_busy = threading.Event()
        self.inspectors_busy.set()
        inspectors, supervisors = [], []
        for person in self.people:
            if person["role"] == "inspector":
                inspectors.append(
                    threading.Thread(target=self._guard, args=(self.inspector, person))
                )
            else:
                supervisors.append(
                    threading.Thread(target=self._guard, args=(self.supervisor, person))
                )
        for t in inspectors + supervisors:
            t.start()
        for t in inspectors:
            t.join(self.seconds + 300)
        self.inspectors_busy.clear()
        for t in supervisors:
            t.join(300)
        self.elapsed = time.monotonic() - self.stop_at + self.seconds
        return self.ledger

    def _guard(self, work, person):
        try:
            work(person)
        except Exception as exc:  # noqa: BLE001 — every failure is reported by the test
            self.ready.abort()
            self.ledger.error(person["username"], f"client crashed: {exc!r}")


class Gunicorn:
    """gunicorn with N sync workers on a loopback port, serving one site."""

    def __init__(self, site, port, workers=4):
        self.site = site
        self.port = port
        self.workers = workers
        self.log = site.root / "gunicorn.log"

    def __enter__(self):
        self._log = open(self.log, "w", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--timeout=60",
                "--access-logfile=-",
                "--access-logformat=%(s)s %(m)s %(U)s",
            ],
            cwd=ROOT,
            env=self.site.env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise LoadError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def output(self):
        return self.log.read_text(encoding="utf-8", errors="replace")
