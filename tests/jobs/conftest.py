import pytest

from jobs import services
from tests.jobs.helpers import RUNNERS, EnterpriseExporter


@pytest.fixture
def fake_exporter(monkeypatch):
    """Route every export kind to the stand-in exporter; returns its options."""
    options = {"fail_after": None}

    def build(kind, user, params):
        return EnterpriseExporter(user, services.querydict(params), **options)

    monkeypatch.setattr(services, "build_exporter", build)
    return options


@pytest.fixture(autouse=True)
def _runners_from_tests(monkeypatch):
    """Let a test run its own runner for a kind (``helpers.use_runner``), for this test only."""
    registered = services.get_runner

    def get_runner(kind):
        return RUNNERS[kind] if kind in RUNNERS else registered(kind)

    monkeypatch.setattr(services, "get_runner", get_runner)
    yield
    RUNNERS.clear()
