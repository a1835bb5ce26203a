"""The demo county's enterprises (see core.demo): at least 180, every industry at least once,
valid credit codes, each with the inspectors whose cells cover its village as 包保."""

import datetime

from core.demo import COUNTY_NAME
from enterprises.models import (
    Enterprise,
    EnterpriseAccount,
    EnterpriseStatus,
    Industry,
    RiskColour,
    Scale,
)
from enterprises.validators import ALPHABET, check_character
from grid import roles

MIN_ENTERPRISES = 180

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


def plan_county(plan):
    rng = plan.rng
    villages = [
        (township["name"], area["name"], v)
        for township in plan.data["townships"]
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
        industry = industry or Industry(plan.weighted(INDUSTRY_WEIGHTS))
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
                "legal_representative": plan.person(),
                "safety_officer": plan.person(),
                "phone": _phone(rng),
                "village": village,
                "risk": plan.weighted(risk_weights).value,
                "status": plan.weighted(STATUS_WEIGHTS).value,
            }
        )
    plan.data["enterprises"] = enterprises
    plan_accounts(plan)


# Demo enterprise accounts (role 企业): the first operating enterprise of each of the first
# townships, logging in as its 安全负责人. No random draw, so the rest of the plan is as before.
ACCOUNT_TOWNSHIPS = 2


def plan_accounts(plan):
    townships = [t["name"] for t in plan.data["townships"]][:ACCOUNT_TOWNSHIPS]
    for t_index, township in enumerate(townships, start=1):
        index = next(
            i
            for i, e in enumerate(plan.data["enterprises"])
            if e["village"][0] == township and e["status"] == EnterpriseStatus.OPERATING
        )
        spec = plan.data["enterprises"][index]
        plan.data["users"].append(
            {
                "username": f"qy{t_index}",
                "name": spec["safety_officer"],
                "role": roles.ENTERPRISE,
                "cells": [],
                "enterprise": index,
            }
        )


def _covers(cells, village):
    return any(village[: len(c)] == c for c in cells)


def build_county(county, data):
    rows = []
    for spec in data["enterprises"]:
        cell = county.cells[spec["village"]]
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
    supervisor_of = {county.user_cells[u.pk][0][0]: u for u in county.users[roles.SUPERVISOR]}
    for spec, enterprise in zip(data["enterprises"], enterprises, strict=True):
        village = spec["village"]
        covering = [
            u for u in county.users[roles.INSPECTOR] if _covers(county.user_cells[u.pk], village)
        ]
        for user in covering or [supervisor_of[village[0]]]:
            links.append(through(enterprise_id=enterprise.pk, user_id=user.pk))
    through.objects.bulk_create(links)

    # The demo accounts' users were made by grid.demo with the other users.
    accounts = {u.username: u for u in county.users.get(roles.ENTERPRISE, [])}
    EnterpriseAccount.objects.bulk_create(
        [
            EnterpriseAccount(
                user=accounts[spec["username"]],
                enterprise=enterprises[spec["enterprise"]],
                phone=data["enterprises"][spec["enterprise"]]["phone"],
                must_change_password=False,  # the demo password is printed on purpose
            )
            for spec in data["users"]
            if "enterprise" in spec
        ]
    )

    county.enterprises = enterprises


# Demo self-reports (自查自报) of the demo accounts, so the 企业自报 page shows figures: the
# first account filed each of the last three months and the last quarter; the second the
# two months before last but not the last one (a non-reporter to remind). Filed through
# enterprises.selfreports on the 3rd of the following month; no random draw, so the rest
# of the demo is as before. This runs before inspections' months of field work, so the
# counts are those of an empty ledger (本月未发现隐患).
def build_activity(county):
    from django.utils import timezone

    from enterprises import selfreports

    accounts = list(
        EnterpriseAccount.objects.filter(user__username__in=["qy1", "qy2"])
        .select_related("user", "enterprise")
        .order_by("user__username")
    )
    last_month = selfreports.current_month().previous()
    for index, account in enumerate(accounts):
        months = [last_month, last_month.previous(), last_month.previous().previous()]
        for period in months[index:]:
            filed = timezone.make_aware(
                datetime.datetime.combine(period.end + datetime.timedelta(days=3), datetime.time(9))
            )
            filed = min(filed, timezone.now())
            selfreports.submit_monthly(
                account.enterprise, by=account.user, period=period, no_hazards=True, at=filed
            )
        if index == 0:
            quarter = selfreports.current_month().quarter_of().previous()
            filed = timezone.make_aware(
                datetime.datetime.combine(
                    quarter.end + datetime.timedelta(days=5), datetime.time(9)
                )
            )
            filed = min(filed, timezone.now())
            selfreports.submit_quarterly(
                account.enterprise,
                by=account.user,
                period=quarter,
                principal=account.enterprise.legal_representative or account.user.get_full_name(),
                signed_on=filed.date(),
                at=filed,
            )
