import pytest

from jobs import services
from tests.jobs.helpers import EnterpriseExporter


@pytest.fixture
def fake_exporter(monkeypatch):
    """Route every export kind to the stand-in exporter; returns its options."""
    options = {"fail_after": None}

    def build(kind, user, params):
        return EnterpriseExporter(user, services.querydict(params), **options)

    monkeypatch.setattr(services, "build_exporter", build)
    return options


@pytest.fixture(autouse=True)
def _clean_registry():
    saved = dict(services._RUNNERS)
    yield
    services._RUNNERS.clear()
    services._RUNNERS.update(saved)
