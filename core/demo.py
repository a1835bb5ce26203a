"""A fictional county for demonstrations and first runs, built deterministically.

Each app contributes its part in its own ``demo`` module, found in ``INSTALLED_APPS`` order
(as the admin finds ``admin`` modules), so core names none of them:

- ``plan_county(plan)`` draws that app's data from ``plan.rng`` into ``plan.data``
  (``grid.demo``: townships, work areas, villages, users; ``enterprises.demo``: the
  enterprises with valid credit codes);
- ``build_county(county, data)`` writes it and fills the ``DemoCounty``;
- ``build_activity(county)`` adds months of work on top (``inspections.demo``); only
  ``seed_demo`` runs it.

``plan(seed)`` runs the planners on one ``random.Random(seed)``; ``build(seed)`` writes the
plan and returns a ``DemoCounty`` whose ``rng`` continues the same stream, so the activity
stays deterministic too. Every demo user has the password ``DEMO_PASSWORD``.
"""

import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction

DEFAULT_SEED = 2026
DEMO_PASSWORD = "demo1234"  # noqa: S105 — printed on purpose: demo logins only
COUNTY_NAME = "示范县"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华志国文玉兰红梅春海波鹏宇浩凯晨辉鑫磊健峰"


@dataclass
class DemoPlan:
    """What the planners share: the random stream, the names already used, the data."""

    rng: random.Random
    people: set = field(default_factory=set)
    data: dict = field(default_factory=dict)

    def person(self):
        """A person's name not used yet in this county."""
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2)))
            )
            if name not in self.people:
                self.people.add(name)
                return name

    def weighted(self, weights):
        items = list(weights)
        return self.rng.choices(items, weights=[weights[i] for i in items], k=1)[0]


@dataclass
class DemoCounty:
    """What ``build`` made, for printing and for the activity builders."""

    seed: int
    rng: random.Random
    county: object = None  # the county cell
    townships: list = field(default_factory=list)
    areas: dict = field(default_factory=dict)  # township id → [work areas]
    villages: list = field(default_factory=list)
    cells: dict = field(default_factory=dict)  # (township, area, village) names → cell
    users: dict = field(default_factory=dict)  # role → [users]
    user_cells: dict = field(default_factory=dict)  # user id → [cell name paths]
    enterprises: list = field(default_factory=list)
    password: str = DEMO_PASSWORD
    extra: dict = field(default_factory=dict)

    def users_of(self, role):
        return self.users.get(role, [])


def _steps(name):
    """The ``name`` function of every app's ``demo`` module, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        # This module is core's own demo module: it runs the steps, it is not one.
        if config.name == __package__ or find_spec(module_name) is None:
            continue
        step = getattr(import_module(module_name), name, None)
        if step is not None:
            found.append(step)
    return found


def plan(seed=DEFAULT_SEED):
    """Everything the demo county holds, as plain data, from ``random.Random(seed)``.

    Returns (plan dict, rng) where the rng has drawn exactly what the plan needed.
    """
    planned = DemoPlan(rng=random.Random(seed))  # noqa: S311 — demo data, not secrets
    for step in _steps("plan_county"):
        step(planned)
    return planned.data, planned.rng


@transaction.atomic
def build(seed=DEFAULT_SEED):
    """Write the demo county for ``seed`` into an empty grid and return a ``DemoCounty``."""
    data, rng = plan(seed)
    county = DemoCounty(seed=seed, rng=rng)
    for step in _steps("build_county"):
        step(county, data)
    return county


def build_activity(county):
    """Add every app's months of field work to a built county (``seed_demo`` only)."""
    for step in _steps("build_activity"):
        step(county)
