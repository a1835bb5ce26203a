"""The lock files install what pyproject.toml asks for, each package pinned with its hashes.

``make venv-locked`` installs with ``pip --require-hashes``: a dependency added to
pyproject.toml without ``make lock`` would be missing there, and this test says so.
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(name):
    """{package: version} of a lock file, and whether every pin carries a sha256 hash."""
    text = (ROOT / name).read_text(encoding="utf-8")
    found, hashed = {}, True
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(entry)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
            hashed = hashed and "--hash=sha256:" in entry
    return found, hashed


def wanted(extra=None):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    if extra:
        specs += project["optional-dependencies"][extra]
    return [Requirement(spec) for spec in specs]


@pytest.mark.parametrize(
    ("lock", "extra"), [("requirements.lock", None), ("requirements-dev.lock", "dev")]
)
def test_every_dependency_is_pinned_with_hashes_within_its_range(lock, extra):
    locked, hashed = pins(lock)
    assert hashed, f"{lock}: a pin without --hash"
    for requirement in wanted(extra):
        version = locked.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in {lock}: run make lock"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {requirement.name}=={version}, pyproject asks {requirement.specifier}"
        )


def test_the_runtime_lock_carries_no_test_tools():
    locked, _hashed = pins("requirements.lock")
    assert {"pytest", "playwright", "ruff"} & set(locked) == set()
    assert {"defusedxml", "django-csp"} <= set(locked)
