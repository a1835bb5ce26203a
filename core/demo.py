"""A fictional county for demonstrations and first runs, built deterministically.

``plan(seed)`` draws everything from ``random.Random(seed)`` as plain data; ``build(seed)``
writes that plan (cells through grid.services, enterprises with valid credit codes) and
returns a ``DemoCounty`` whose ``rng`` continues the same stream, so later builders
(``inspections.demo.build_activity(demo)``) stay deterministic too.

Every demo user has the password ``DEMO_PASSWORD``; ``demo_logins()`` lists them.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from enterprises.models import Enterprise, EnterpriseStatus, Industry, RiskColour, Scale
from enterprises.validators import ALPHABET, check_character
from grid import roles
from grid.models import Assignment, GridCell
from grid.services import create_cell

DEFAULT_SEED = 2026
DEMO_PASSWORD = "demo1234"  # noqa: S105 — printed on purpose: demo logins only
COUNTY_NAME = "示范县"
COUNTY_CODE = "379901"  # fictional (no real division uses 99)
TOWNSHIPS = ["地方镇", "柏林镇", "保太镇", "温水镇"]
AREA_NAMES = ["第一工作区", "第二工作区", "第三工作区"]
MIN_ENTERPRISES = 180

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华志国文玉兰红梅春海波鹏宇浩凯晨辉鑫磊健峰"
VILLAGE_HEADS = "张李王刘赵孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜谢邹喻柏水窦章云苏潘葛范彭郎鲁韦马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤"
VILLAGE_TAILS = ["庄", "家庄", "家峪", "家沟", "家屯", "家岭", "官庄", "家河", "家洼", "村"]
PLACE_WORDS = ["东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新", "石", "柳", "杏"]
BRANDS = [
    "宏达", "鑫源", "恒泰", "金鼎", "华信", "永兴", "瑞丰", "昌盛", "顺发", "聚丰", "兴隆", "天和",
    "万通", "盛世", "嘉禾", "富民", "祥瑞", "德润", "东方", "利民", "远航", "泰和", "长青", "福源",
    "新华", "众诚", "安康", "宏远", "隆鑫", "明辉", "鸿运", "润丰", "汇通", "金城", "银河", "晟达",
    "恒通", "诚信", "华盛", "广源", "旭日", "金鹏", "沂蒙", "蒙山", "正大", "中鑫", "鼎盛", "海润",
]  # fmt: skip
# Industry → business words; a trailing "*" means the word ends the name (no 有限公司).
TRADES = {
    Industry.NON_COAL_MINE: ["石材", "矿业", "采石场*"],
    Industry.HAZARDOUS_CHEMICALS: ["化工", "精细化工", "化学品经营部*"],
    Industry.FIREWORKS: ["烟花爆竹经营部*", "烟花爆竹批发"],
    Industry.METALLURGY: ["铸造", "钢铁", "铸件厂*"],
    Industry.NONFERROUS: ["铝业", "铜业", "铝型材厂*"],
    Industry.BUILDING_MATERIALS: ["建材", "水泥制品", "新型墙材", "石材加工厂*"],
    Industry.MACHINERY: ["机械", "机械制造", "农机", "机械加工厂*"],
    Industry.LIGHT_INDUSTRY: ["木业", "纸业", "塑料制品", "板材厂*"],
    Industry.TEXTILE: ["纺织", "服装", "棉业"],
    Industry.TOBACCO: ["烟叶收购站*", "烟草物流"],
    Industry.COMMERCE: ["商贸", "超市*", "物资"],
    Industry.CONSTRUCTION: ["建筑工程", "建筑安装", "建设工程"],
    Industry.FIRE_KEY_UNIT: ["大酒店*", "商厦*", "养老院*", "宾馆*"],
    Industry.ROAD_TRANSPORT: ["运输", "物流", "客运"],
    Industry.SPECIAL_EQUIPMENT: ["锅炉", "起重设备", "压力容器"],
    Industry.FOOD_SAFETY: ["食品", "饮品", "粮油"],
    Industry.CULTURE_EDUCATION: ["培训学校*", "幼儿园*"],
    Industry.TOURISM: ["旅游开发", "生态农庄*", "农家乐*"],
    Industry.GAS: ["燃气", "液化气站*"],
    Industry.OTHER: ["农业发展", "加工厂*", "养殖专业合作社*"],
}
# Common industries come up more often; every industry appears at least once.
INDUSTRY_WEIGHTS = {
    Industry.MACHINERY: 14,
    Industry.BUILDING_MATERIALS: 12,
    Industry.LIGHT_INDUSTRY: 10,
    Industry.COMMERCE: 10,
    Industry.FOOD_SAFETY: 8,
    Industry.NON_COAL_MINE: 6,
    Industry.HAZARDOUS_CHEMICALS: 6,
    Industry.CONSTRUCTION: 6,
    Industry.FIRE_KEY_UNIT: 6,
    Industry.ROAD_TRANSPORT: 5,
    Industry.TEXTILE: 4,
    Industry.METALLURGY: 3,
    Industry.NONFERROUS: 2,
    Industry.SPECIAL_EQUIPMENT: 3,
    Industry.GAS: 3,
    Industry.FIREWORKS: 2,
    Industry.TOURISM: 3,
    Industry.CULTURE_EDUCATION: 3,
    Industry.TOBACCO: 1,
    Industry.OTHER: 4,
}
HIGH_RISK = {
    Industry.NON_COAL_MINE,
    Industry.HAZARDOUS_CHEMICALS,
    Industry.FIREWORKS,
    Industry.GAS,
    Industry.METALLURGY,
}
RISK_WEIGHTS = {
    RiskColour.RED: 3,
    RiskColour.ORANGE: 12,
    RiskColour.YELLOW: 35,
    RiskColour.BLUE: 50,
}
HIGH_RISK_WEIGHTS = {
    RiskColour.RED: 15,
    RiskColour.ORANGE: 35,
    RiskColour.YELLOW: 35,
    RiskColour.BLUE: 15,
}
STATUS_WEIGHTS = {
    EnterpriseStatus.OPERATING: 88,
    EnterpriseStatus.SUSPENDED: 5,
    EnterpriseStatus.SEASONAL: 5,
    EnterpriseStatus.CLOSED: 2,
}


@dataclass
class DemoCounty:
    """What ``build`` made, for printing and for later builders."""

    seed: int
    rng: random.Random
    county: GridCell
    townships: list
    areas: dict  # township id → [work areas]
    villages: list
    users: dict  # role → [users]
    enterprises: list
    password: str = DEMO_PASSWORD
    extra: dict = field(default_factory=dict)

    def users_of(self, role):
        return self.users.get(role, [])


def _weighted(rng, weights):
    items = list(weights)
    return rng.choices(items, weights=[weights[i] for i in items], k=1)[0]


def _person(rng, used):
    while True:
        name = rng.choice(SURNAMES) + "".join(
            rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))
        )
        if name not in used:
            used.add(name)
            return name


def _village_name(rng, used):
    while True:
        if rng.random() < 0.3:
            name = rng.choice(PLACE_WORDS) + rng.choice(["岭村", "河村", "湖村", "山村", "庄村"])
        else:
            name = rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_TAILS)
        if name not in used:
            used.add(name)
            return name


def _uscc(rng, used, *, individual=False):
    while True:
        head = "92" if individual else "91"
        division = f"3799{rng.randint(1, 4):02d}"
        subject = "MA" + "".join(rng.choice(ALPHABET) for _ in range(7))
        first17 = head + division + subject
        code = first17 + check_character(first17)
        if code not in used:
            used.add(code)
            return code


def _phone(rng):
    return "1" + rng.choice("35789") + "".join(str(rng.randint(0, 9)) for _ in range(9))


def plan(seed=DEFAULT_SEED):
    """Everything the demo county holds, as plain data, from ``random.Random(seed)``.

    Returns (plan dict, rng) where the rng has drawn exactly what the plan needed.
    """
    rng = random.Random(seed)  # noqa: S311 — demo data, not secrets
    people, village_names = set(), set()
    townships = []
    for t_index, t_name in enumerate(TOWNSHIPS, start=1):
        areas = []
        for a_name in AREA_NAMES[: rng.randint(2, 3)]:
            villages = [_village_name(rng, village_names) for _ in range(rng.randint(2, 4))]
            areas.append({"name": a_name, "villages": villages})
        townships.append({"name": t_name, "code": f"{COUNTY_CODE}{t_index:03d}", "areas": areas})

    users = [
        {"username": "admin", "name": "系统管理员", "role": roles.ADMIN, "cells": []},
        {
            "username": "county1",
            "name": _person(rng, people),
            "role": roles.COUNTY,
            "cells": [(COUNTY_NAME,)],
        },
    ]
    for t_index, township in enumerate(townships, start=1):
        t = township["name"]
        users.append(
            {
                "username": f"zhen{t_index}",
                "name": _person(rng, people),
                "role": roles.SUPERVISOR,
                "cells": [(t,)],
            }
        )
        first, second = township["areas"][0], township["areas"][1]
        users.append(
            {
                "username": f"wgy{t_index}1",
                "name": _person(rng, people),
                "role": roles.INSPECTOR,
                "cells": [(t, first["name"])],
            }
        )
        users.append(
            {
                "username": f"wgy{t_index}2",
                "name": _person(rng, people),
                "role": roles.INSPECTOR,
                "cells": [(t, second["name"], v) for v in second["villages"][:2]],
            }
        )

    villages = [
        (township["name"], area["name"], v)
        for township in townships
        for area in township["areas"]
        for v in area["villages"]
    ]
    industries = list(Industry.values)
    rng.shuffle(industries)
    count = max(MIN_ENTERPRISES, len(villages) * 4)
    names, codes = set(), set()
    enterprises = []
    for i in range(count):
        village = villages[i] if i < len(villages) else rng.choice(villages)
        industry = Industry(industries[i]) if i < len(industries) else None
        industry = industry or Industry(_weighted(rng, INDUSTRY_WEIGHTS))
        while True:
            word = rng.choice(TRADES[industry])
            brand = rng.choice(BRANDS)
            if word.endswith("*"):
                name = f"{COUNTY_NAME}{village[0]}{brand}{word[:-1]}"
            else:
                suffix = rng.choice(["有限公司", "有限公司", "有限责任公司"])
                name = f"{COUNTY_NAME}{village[0]}{brand}{word}{suffix}"
            if name not in names:
                names.add(name)
                break
        individual = name.endswith(("经营部", "超市", "农家乐"))
        risk_weights = HIGH_RISK_WEIGHTS if industry in HIGH_RISK else RISK_WEIGHTS
        enterprises.append(
            {
                "name": name,
                "uscc": _uscc(rng, codes, individual=individual),
                "industry": industry.value,
                "scale": Scale.ABOVE.value if rng.random() < 0.25 else Scale.BELOW.value,
                "address": f"{COUNTY_NAME}{village[0]}{village[2]}{rng.randint(1, 199)}号",
                "legal_representative": _person(rng, people),
                "safety_officer": _person(rng, people),
                "phone": _phone(rng),
                "village": village,
                "risk": _weighted(rng, risk_weights).value,
                "status": _weighted(rng, STATUS_WEIGHTS).value,
            }
        )
    return {"townships": townships, "users": users, "enterprises": enterprises}, rng


def _covers(cells, village):
    return any(village[: len(c)] == c for c in cells)


@transaction.atomic
def build(seed=DEFAULT_SEED):
    """Write the demo county for ``seed`` into an empty grid and return a ``DemoCounty``."""
    data, rng = plan(seed)
    county = create_cell(name=COUNTY_NAME, level=GridCell.Level.COUNTY, code=COUNTY_CODE)
    cells = {(COUNTY_NAME,): county}
    townships, areas, villages = [], {}, []
    for township in data["townships"]:
        t = create_cell(
            name=township["name"],
            level=GridCell.Level.TOWNSHIP,
            parent=county,
            code=township["code"],
        )
        cells[(t.name,)] = t
        townships.append(t)
        areas[t.pk] = []
        for area in township["areas"]:
            a = create_cell(name=area["name"], level=GridCell.Level.AREA, parent=t)
            cells[(t.name, a.name)] = a
            areas[t.pk].append(a)
            for v_name in area["villages"]:
                v = create_cell(name=v_name, level=GridCell.Level.VILLAGE, parent=a)
                cells[(t.name, a.name, v_name)] = v
                villages.append(v)

    User = get_user_model()
    hashed = make_password(DEMO_PASSWORD)  # hashed once: every demo login shares it
    groups = {
        role: Group.objects.get_or_create(name=name)[0] for role, name in roles.GROUP_NAMES.items()
    }
    users = {role: [] for role in roles.GROUP_NAMES}
    user_cells = {}
    for spec in data["users"]:
        user = User.objects.create(
            username=spec["username"],
            first_name=spec["name"],
            password=hashed,
            is_staff=spec["role"] == roles.ADMIN,
        )
        user.groups.add(groups[spec["role"]])
        Assignment.objects.bulk_create(
            [Assignment(user=user, cell=cells[path]) for path in spec["cells"]]
        )
        users[spec["role"]].append(user)
        user_cells[user.pk] = [tuple(path) for path in spec["cells"]]

    rows = []
    for spec in data["enterprises"]:
        cell = cells[spec["village"]]
        values = {k: v for k, v in spec.items() if k != "village"}
        rows.append(Enterprise(cell=cell, township_id=cell.township_id, **values))
    for row in rows:
        row.clean_fields(exclude=["cell", "township"])  # a demo with a bad code is a bug
    enterprises = Enterprise.objects.bulk_create(rows)
    if not all(e.pk for e in enterprises):  # backends that don't return ids
        by_code = dict(
            Enterprise.objects.filter(uscc__in=[e.uscc for e in rows]).values_list("uscc", "pk")
        )
        for e in enterprises:
            e.pk = by_code[e.uscc]

    # 包保: the inspectors whose cells cover the village, else the township supervisor.
    through = Enterprise.inspectors.through
    links = []
    supervisor_of = {user_cells[u.pk][0][0]: u for u in users[roles.SUPERVISOR]}
    for spec, enterprise in zip(data["enterprises"], enterprises, strict=True):
        village = spec["village"]
        covering = [u for u in users[roles.INSPECTOR] if _covers(user_cells[u.pk], village)]
        for user in covering or [supervisor_of[village[0]]]:
            links.append(through(enterprise_id=enterprise.pk, user_id=user.pk))
    through.objects.bulk_create(links)

    return DemoCounty(
        seed=seed,
        rng=rng,
        county=county,
        townships=townships,
        areas=areas,
        villages=villages,
        users=users,
        enterprises=enterprises,
    )


def demo_exists():
    return GridCell.objects.filter(
        level=GridCell.Level.COUNTY, name=COUNTY_NAME, code=COUNTY_CODE
    ).exists()


def demo_logins():
    """[(username, password or a note, role label, cells)] of the demo users still active.

    A password someone has changed is not printed."""
    if not demo_exists():
        return []
    data, _rng = plan(DEFAULT_SEED)  # usernames do not depend on the seed
    usernames = [u["username"] for u in data["users"]]
    User = get_user_model()
    found = {
        u.username: u
        for u in User.objects.filter(username__in=usernames, is_active=True).prefetch_related(
            "grid_assignments__cell"
        )
    }
    checked = {}  # password hash → still the demo password? (one hash check per distinct hash)
    rows = []
    for username in usernames:
        user = found.get(username)
        if user is None:
            continue
        if user.password not in checked:
            checked[user.password] = user.check_password(DEMO_PASSWORD)
        password = DEMO_PASSWORD if checked[user.password] else "（已修改）"
        role = roles.role_of(user)
        cells = "、".join(a.cell.full_name() or a.cell.name for a in user.grid_assignments.all())
        rows.append((username, password, str(roles.LABELS.get(role, "")), cells or "全部"))
    return rows
