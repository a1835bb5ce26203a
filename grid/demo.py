"""The demo county's grid and users (see core.demo): four townships, their work areas and
villages, and a user of every role with the cells they answer for."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core.demo import COUNTY_NAME, DEFAULT_SEED, DEMO_PASSWORD
from core.demo import plan as plan_demo
from grid import roles
from grid.models import Assignment, GridCell
from grid.services import create_cell

COUNTY_CODE = "379901"  # fictional (no real division uses 99)
TOWNSHIPS = ["地方镇", "柏林镇", "保太镇", "温水镇"]
AREA_NAMES = ["第一工作区", "第二工作区", "第三工作区"]
VILLAGE_HEADS = "张李王刘赵孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜谢邹喻柏水窦章云苏潘葛范彭郎鲁韦马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤"
VILLAGE_TAILS = ["庄", "家庄", "家峪", "家沟", "家屯", "家岭", "官庄", "家河", "家洼", "村"]
PLACE_WORDS = ["东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新", "石", "柳", "杏"]


def _village_name(rng, used):
    while True:
        if rng.random() < 0.3:
            name = rng.choice(PLACE_WORDS) + rng.choice(["岭村", "河村", "湖村", "山村", "庄村"])
        else:
            name = rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_TAILS)
        if name not in used:
            used.add(name)
            return name


def plan_county(plan):
    rng, village_names = plan.rng, set()
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
            "name": plan.person(),
            "role": roles.COUNTY,
            "cells": [(COUNTY_NAME,)],
        },
    ]
    for t_index, township in enumerate(townships, start=1):
        t = township["name"]
        users.append(
            {
                "username": f"zhen{t_index}",
                "name": plan.person(),
                "role": roles.SUPERVISOR,
                "cells": [(t,)],
            }
        )
        first, second = township["areas"][0], township["areas"][1]
        users.append(
            {
                "username": f"wgy{t_index}1",
                "name": plan.person(),
                "role": roles.INSPECTOR,
                "cells": [(t, first["name"])],
            }
        )
        users.append(
            {
                "username": f"wgy{t_index}2",
                "name": plan.person(),
                "role": roles.INSPECTOR,
                "cells": [(t, second["name"], v) for v in second["villages"][:2]],
            }
        )
    plan.data["townships"] = townships
    plan.data["users"] = users


def build_county(county, data):
    root = create_cell(name=COUNTY_NAME, level=GridCell.Level.COUNTY, code=COUNTY_CODE)
    cells = {(COUNTY_NAME,): root}
    townships, areas, villages = [], {}, []
    for township in data["townships"]:
        t = create_cell(
            name=township["name"],
            level=GridCell.Level.TOWNSHIP,
            parent=root,
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

    county.county, county.townships, county.areas = root, townships, areas
    county.villages, county.cells = villages, cells
    county.users, county.user_cells = users, user_cells


def demo_exists():
    return GridCell.objects.filter(
        level=GridCell.Level.COUNTY, name=COUNTY_NAME, code=COUNTY_CODE
    ).exists()


def demo_logins():
    """[(username, password or a note, role label, cells)] of the demo users still active.

    A password someone has changed is not printed."""
    if not demo_exists():
        return []
    data, _rng = plan_demo(DEFAULT_SEED)  # usernames do not depend on the seed
    usernames = [u["username"] for u in data["users"]]
    User = get_user_model()
    found = {
        u.username: u
        for u in User.objects.filter(username__in=usernames, is_active=True)
        .select_related("enterprise_account__enterprise")
        .prefetch_related("grid_assignments__cell")
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
        account = getattr(user, "enterprise_account", None)
        if account is not None:
            cells = account.enterprise.name  # an enterprise account: its one enterprise
        rows.append((username, password, str(roles.LABELS.get(role, "")), cells or "全部"))
    return rows
