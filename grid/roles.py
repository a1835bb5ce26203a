"""The roles of docs/domain.md, as Django groups created by data migrations."""

from django.utils.translation import gettext_lazy as _

INSPECTOR = "inspector"
SUPERVISOR = "supervisor"
COUNTY = "county"
ADMIN = "admin"
# 企业: an account of one enterprise (enterprises.EnterpriseAccount), scoped to it alone.
ENTERPRISE = "enterprise"

# Group names are what administrators see in the admin.
GROUP_NAMES = {
    INSPECTOR: "网格员",
    SUPERVISOR: "乡镇监管",
    COUNTY: "县级",
    ADMIN: "管理员",
    ENTERPRISE: "企业",
}
LABELS = {
    INSPECTOR: _("网格员"),
    SUPERVISOR: _("乡镇监管"),
    COUNTY: _("县级"),
    ADMIN: _("管理员"),
    ENTERPRISE: _("企业"),
}
# Higher rank wins when a user is in several groups; staff roles outrank 企业.
RANK = {ENTERPRISE: 0, INSPECTOR: 1, SUPERVISOR: 2, COUNTY: 3, ADMIN: 4}
BY_GROUP = {v: k for k, v in GROUP_NAMES.items()}


def role_of(user):
    """The user's role key, or None for a user in no role group. Cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_hazardtrack_role", False)
    if cached is not False:
        return cached
    if user.is_superuser:
        role = ADMIN
    else:
        names = [BY_GROUP.get(n) for n in user.groups.values_list("name", flat=True)]
        names = [n for n in names if n]
        role = max(names, key=RANK.__getitem__) if names else None
    user._hazardtrack_role = role
    return role


def has_role(user, *roles):
    return role_of(user) in roles
