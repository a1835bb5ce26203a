"""Shared fixtures: a small county with two townships and a persona for every role."""

from functools import cached_property
from types import SimpleNamespace

import pytest

from grid import roles
from grid.models import GridCell
from tests.factories import EnterpriseFactory, UserFactory, make_cell


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Eight personas per test: PBKDF2 would spend seconds hashing their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """The dashboard's tables and the county ledger's tabs are cached by a data stamp of
    highest ids, which a rolled-back test hands out again: each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def grid(db):
    """县 → 甲镇 (A) / 乙镇 (B) → 工作区 → 村. A has two villages: A1, A2."""
    county = make_cell("示范县", GridCell.Level.COUNTY)
    town_a = make_cell("甲镇", GridCell.Level.TOWNSHIP, county)
    town_b = make_cell("乙镇", GridCell.Level.TOWNSHIP, county)
    area_a = make_cell("第一工作区", GridCell.Level.AREA, town_a)
    area_b = make_cell("第一工作区", GridCell.Level.AREA, town_b)
    village_a1 = make_cell("东村", GridCell.Level.VILLAGE, area_a)
    village_a2 = make_cell("西村", GridCell.Level.VILLAGE, area_a)
    village_b1 = make_cell("南村", GridCell.Level.VILLAGE, area_b)
    return SimpleNamespace(
        county=county,
        town_a=town_a,
        town_b=town_b,
        area_a=area_a,
        area_b=area_b,
        village_a1=village_a1,
        village_a2=village_a2,
        village_b1=village_b1,
    )


class Personas(SimpleNamespace):
    """The personas; ``enterprise`` is made the first time a test asks for it, so the tests
    that never do see neither its user nor its enterprise (enterprise_a1)."""

    def __init__(self, request, **people):
        super().__init__(**people)
        self._request = request

    @cached_property
    def enterprise(self):
        from enterprises.models import EnterpriseAccount

        enterprise = self._request.getfixturevalue("enterprise_a1")
        user = UserFactory(username="qy_dongcun", role=roles.ENTERPRISE, first_name="王安全")
        EnterpriseAccount.objects.create(
            user=user, enterprise=enterprise, must_change_password=False
        )
        return user


@pytest.fixture
def personas(request, grid):
    """Inspector of village A1, a second inspector of A1, supervisor of township A,
    inspector of township B, county officer, administrator; on first use, ``enterprise``:
    the account (role 企业) of 东村机械厂 (enterprise_a1, village A1), password already set."""
    return Personas(
        request,
        inspector=UserFactory(
            username="inspector_a1", role=roles.INSPECTOR, cells=[grid.village_a1]
        ),
        inspector2=UserFactory(
            username="inspector2_a1", role=roles.INSPECTOR, cells=[grid.village_a1]
        ),
        supervisor=UserFactory(username="supervisor_a", role=roles.SUPERVISOR, cells=[grid.town_a]),
        supervisor2=UserFactory(
            username="supervisor2_a", role=roles.SUPERVISOR, cells=[grid.town_a]
        ),
        other_inspector=UserFactory(
            username="inspector_b", role=roles.INSPECTOR, cells=[grid.town_b]
        ),
        other_supervisor=UserFactory(
            username="supervisor_b", role=roles.SUPERVISOR, cells=[grid.town_b]
        ),
        county=UserFactory(username="county", role=roles.COUNTY, cells=[grid.county]),
        admin=UserFactory(username="admin", role=roles.ADMIN, is_staff=True),
    )


@pytest.fixture
def enterprise_a1(grid):
    return EnterpriseFactory(name="东村机械厂", cell=grid.village_a1)


@pytest.fixture
def enterprise_a2(grid):
    return EnterpriseFactory(name="西村建材厂", cell=grid.village_a2)


@pytest.fixture
def enterprise_b(grid):
    return EnterpriseFactory(name="南村化工厂", cell=grid.village_b1)


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
