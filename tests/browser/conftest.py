"""Browser journeys: Playwright driving Debian's Chromium against a live server.

Run by `make test` when /usr/bin/chromium exists, always by .ci/run (which installs it).
`playwright install` is never used: its download is blocked on our machines.
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

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
