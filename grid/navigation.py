"""Navigation per role, computed once per request for the base layout."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grid import roles, scoping

# (url name, label, roles that see it). Each app adds its entries here.
NAV = [
    (
        "home",
        _("首页"),
        {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY, roles.ADMIN, roles.ENTERPRISE},
    ),
    ("hazards:my_work", _("我的工作"), {roles.INSPECTOR, roles.SUPERVISOR}),
    ("inspections:outing", _("今日出动"), {roles.INSPECTOR, roles.SUPERVISOR}),
    (
        "hazards:list",
        _("隐患台账"),
        {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY, roles.ADMIN, roles.ENTERPRISE},
    ),
    ("hazards:overdue", _("逾期督办"), {roles.SUPERVISOR, roles.COUNTY, roles.ADMIN}),
    (
        "inspections:list",
        _("检查记录"),
        {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY, roles.ADMIN},
    ),
    ("inspections:self", _("企业自查"), "inspection.self"),
    ("inspections:group_list", _("检查组"), "group.manage"),
    (
        "enterprises:list",
        _("企业"),
        {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY, roles.ADMIN, roles.ENTERPRISE},
    ),
    ("enterprises:selfreports", _("自查自报"), "selfreport.submit"),
    ("enterprises:selfreport_rates", _("企业自报"), {roles.SUPERVISOR, roles.COUNTY}),
    ("reports:dashboard", _("统计"), {roles.SUPERVISOR, roles.COUNTY, roles.ADMIN}),
    ("reports:periods", _("报表期"), {roles.SUPERVISOR, roles.COUNTY}),
    (
        "jobs:list",
        _("我的导出/导入"),
        {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY, roles.ADMIN, roles.ENTERPRISE},
    ),
    (
        "criteria:list",
        _("判定标准"),
        {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY, roles.ADMIN, roles.ENTERPRISE},
    ),
    # A page permission (grid.scoping) instead of a set of roles: the nav shows the page to
    # exactly those the page lets in.
    ("hazards:import", _("导入隐患台账"), "hazard.import"),
    ("inspections:import", _("导入检查记录"), "hazard.import"),
    ("inspections:enforcement_import", _("导入执法记录"), "hazard.import"),
    ("notifications:webhooks", _("群机器人推送"), {roles.COUNTY, roles.ADMIN}),
    ("admin:index", _("系统管理"), {roles.ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = roles.role_of(user)
    items = []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    for name, label, allowed in NAV:
        if isinstance(allowed, str):
            if not scoping.allowed(user, allowed):
                continue
        elif role not in allowed:
            continue
        url = reverse(name)
        active = current == name or (
            ":" in name and current.split(":")[0] == name.split(":")[0] and name.endswith(":list")
        )
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items, "user_role": role, "user_role_label": roles.LABELS.get(role, "")}
