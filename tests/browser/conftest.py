"""Browser journeys: Playwright driving Debian's Chromium against a live server.

Run by `make test` when /usr/bin/chromium exists, always by .ci/run (which installs it).
`playwright install` is never used: its download is blocked on our machines.
"""

import io
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between steps are plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--lang=zh-CN",
        ],
    }


class Journey:
    """Names each step; a failure says which step, and every step leaves a screenshot."""

    def __init__(self, page, name):
        self.page = page
        self.name = name
        self.n = 0
        self.dir = OUTPUT / name
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*.png"):  # a rerun leaves only its own screenshots
            old.unlink()

    @contextmanager
    def step(self, title):
        self.n += 1
        slug = re.sub(r"[^\w-]+", "_", title)[:60]
        try:
            yield
        except Exception as exc:
            self.page.screenshot(
                path=str(self.dir / f"{self.n:02d}_FAILED_{slug}.png"), full_page=True
            )
            raise AssertionError(f"[{self.name}] step {self.n} “{title}” failed: {exc}") from exc
        self.page.screenshot(path=str(self.dir / f"{self.n:02d}_{slug}.png"), full_page=True)


@pytest.fixture
def journey_factory():
    return Journey


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the journeys last. pytest-django puts tests with a live server after the others,
    but pytest then regroups tests by the session-wide ``browser_name`` parameter and can
    pull them forward; their database flush would then remove the data that migrations
    seed (checklist templates) from under every test that follows."""
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()))


PASSWORD = "pass-12345"  # what UserFactory sets
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)

# Element boxes reaching past the viewport, outside any .table-responsive: what makes a
# phone page scroll sideways.
_WIDE_ELEMENTS = """() => {
  const limit = window.innerWidth + 1;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-responsive')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
               ' right=' + Math.round(r.right));
      if (out.length >= 5) break;
    }
  }
  return out;
}"""

_COUNT_SWAPS = """
window.__htmxSettled = 0;
document.addEventListener('htmx:afterSettle', () => { window.__htmxSettled += 1; });
"""

_DUPLICATE_IDS = """() => {
  const seen = {}, dup = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen[el.id]) dup.add(el.id); else seen[el.id] = true;
  }
  return [...dup];
}"""


def jpeg_file(path, colour, size=(320, 240)):
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    path.write_bytes(out.getvalue())
    return path


class Browser:
    """One person's browser: own cookies, the journey's viewport, only the live server."""

    def __init__(self, browser, live_server, viewport, journey):
        self.base = live_server.url
        self.viewport = viewport
        self.journey = journey
        self.foreign = []
        self.errors = []
        self.context = browser.new_context(
            viewport=viewport,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            base_url=self.base,
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.add_init_script(_COUNT_SWAPS)
        self.context.route(re.compile(r"^(?!" + re.escape(self.base) + ").*"), self._refuse)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        journey.page = self.page

    def _refuse(self, route):
        self.foreign.append(route.request.url)
        route.abort()

    @contextmanager
    def htmx_swap(self):
        """Wait until htmx has swapped in the answer to what the block does: the element
        acted on is replaced, so the next action must find the new one."""
        before = self.page.evaluate("() => window.__htmxSettled")
        yield
        self.page.wait_for_function(f"() => window.__htmxSettled > {before}")

    def goto(self, name, *args, query=""):
        self.page.goto(reverse(name, args=args) + query)

    def menu(self, open=True):
        """Open (or close) the phone's collapsed menu and wait for Bootstrap's slide to end.

        While the menu slides (``collapsing``, 0.35 s) its items move: a tap landing then
        presses one button and lifts over another, and the browser sends no click at all.
        """
        self.page.get_by_role("button", name="菜单").click()
        mainnav, shown = expect(self.page.locator("#mainnav")), re.compile(r"\bshow\b")
        mainnav.to_have_class(shown) if open else mainnav.not_to_have_class(shown)
        mainnav.not_to_have_class(re.compile(r"\bcollapsing\b"))

    def login(self, user):
        page = self.page
        self.goto("login")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/login/"))
        if self.viewport is PHONE:  # the user's name sits in the collapsed menu
            self.menu()
        expect(
            page.locator("#mainnav").get_by_text(user.get_full_name() or user.username, exact=True)
        ).to_be_visible()

    def check_page(self):
        """What every page of the journey must satisfy, whatever the step."""
        page = self.page
        page.wait_for_load_state("load")
        duplicates = page.evaluate(_DUPLICATE_IDS)
        assert not duplicates, f"{page.url}: duplicate element ids {duplicates}"
        if self.viewport is PHONE:
            scroll_width, inner = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll_width > inner + 1:
                wide = page.evaluate(_WIDE_ELEMENTS)
                raise AssertionError(
                    f"{page.url} scrolls sideways on a phone ({scroll_width} > {inner}): {wide}"
                )
        assert not self.errors, f"{page.url}: {self.errors}"
        assert not self.foreign, f"requests to other hosts: {self.foreign}"

    def message(self, text):
        expect(self.page.get_by_role("alert").filter(has_text=text)).to_be_visible()

    def close(self):
        self.context.close()


@pytest.fixture
def open_browser(browser, live_server):
    """A fresh browser for each person of the journey, all closed afterwards."""
    opened = []

    def open_(viewport, journey):
        opened.append(Browser(browser, live_server, viewport, journey))
        return opened[-1]

    yield open_
    for person in opened:
        person.close()
