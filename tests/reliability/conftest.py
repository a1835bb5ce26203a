from tests.reliability.harness import free_port  # noqa: F401 — a fixture


def pytest_collection_modifyitems(config, items):
    """Tests marked slow run only when asked for (``make reliability`` runs ``-m slow``)."""
    import pytest

    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run by make reliability (pytest -m slow)")
    for item in items:
        if item.get_closest_marker("slow") and "tests/reliability/" in item.nodeid:
            item.add_marker(skip)
