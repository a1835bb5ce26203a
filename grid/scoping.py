"""What a user may see: the one place that decides it.

Every list, detail page, form, export, report and command starts from these functions.
A user sees the grid cells they are assigned to and everything beneath them
(横向到边、纵向到底); administrators see everything. Records carry the township and the
village-level cell they belong to, so scoping is a filter on ``township_id`` or
``cell_id`` with a short list of ids, never a join or a recursive walk.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from grid import roles
from grid.models import GridCell

_CACHE_ATTR = "_hazardtrack_scope"


class Scope:
    """The ids that bound what one user sees. ``everything`` means no filter at all.

    An enterprise account (role 企业) has ``enterprise_id``: it sees that one enterprise and
    its records, whatever their township or cell, and nothing else."""

    def __init__(self, everything=False, township_ids=(), cell_ids=(), enterprise_id=None):
        self.everything = everything
        self.township_ids = frozenset(township_ids)
        self.cell_ids = frozenset(cell_ids)
        self.enterprise_id = enterprise_id

    @property
    def empty(self):
        return not (self.everything or self.township_ids or self.cell_ids or self.enterprise_id)

    def q(self, prefix="", enterprise_key="enterprise_id"):
        """A Q object limiting a model with ``township`` and ``cell`` fields (via prefix).

        For an enterprise account the filter is ``enterprise_key`` (the model's path to
        its enterprise: ``limit`` finds it) equal to the account's enterprise."""
        if self.everything:
            return Q()
        if self.enterprise_id is not None:
            return Q(**{f"{prefix}{enterprise_key}": self.enterprise_id})
        q = Q(pk__in=[])
        if self.township_ids:
            q |= Q(**{f"{prefix}township_id__in": sorted(self.township_ids)})
        if self.cell_ids:
            q |= Q(**{f"{prefix}cell_id__in": sorted(self.cell_ids)})
        return q

    def contains(self, township_id, cell_id):
        """By place only: an enterprise account contains no place (use ``can_see``)."""
        if self.enterprise_id is not None:
            return False
        return self.everything or township_id in self.township_ids or cell_id in self.cell_ids


def scope_of(user):
    """Compute (once per request: cached on the user object) the user's Scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    role = roles.role_of(user)
    if role == roles.ADMIN:
        scope = Scope(everything=True)
    elif role == roles.ENTERPRISE:
        scope = _enterprise_scope(user)
    else:
        assigned = list(
            GridCell.objects.filter(assignments__user=user, is_active=True).only(
                "id", "level", "path", "township_id"
            )
        )
        township_ids, cell_ids = set(), set()
        beneath = []
        for cell in assigned:
            if cell.level == GridCell.Level.COUNTY:
                township_ids.update(
                    GridCell.objects.filter(
                        parent_id=cell.pk, level=GridCell.Level.TOWNSHIP
                    ).values_list("id", flat=True)
                )
            elif cell.level == GridCell.Level.TOWNSHIP:
                township_ids.add(cell.pk)
            else:
                beneath.append(cell)
        if beneath:
            cell_ids.update(GridCell.objects.subtree(*beneath).values_list("id", flat=True))
        scope = Scope(township_ids=township_ids, cell_ids=cell_ids)
    setattr(user, _CACHE_ATTR, scope)
    return scope


# How an enterprise account finds its enterprise: registered by the enterprises app.
_ENTERPRISE_OF = []


def register_enterprise_of(finder):
    """``finder(user)`` → the id of the one enterprise the user's account belongs to."""
    _ENTERPRISE_OF[:] = [finder]


def _enterprise_scope(user):
    """The one enterprise of an active enterprise account; no account, nothing."""
    enterprise_id = _ENTERPRISE_OF[0](user) if _ENTERPRISE_OF else None
    return Scope(enterprise_id=enterprise_id)


def forget(user):
    """Drop the cached scope (after assignments change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    if hasattr(user, "_hazardtrack_role"):
        delattr(user, "_hazardtrack_role")


def sees_everything(user):
    return scope_of(user).everything


def cells_for(user):
    """Grid cells the user may see: their cells and everything beneath them."""
    scope = scope_of(user)
    qs = GridCell.objects.all()
    if scope.everything:
        return qs
    if scope.enterprise_id is not None:
        return qs.none()  # an enterprise account answers for no grid cell
    return qs.filter(
        Q(township_id__in=sorted(scope.township_ids)) | Q(pk__in=sorted(scope.cell_ids))
    )


def townships_for(user):
    scope = scope_of(user)
    qs = GridCell.objects.filter(level=GridCell.Level.TOWNSHIP)
    if scope.everything:
        return qs
    if scope.enterprise_id is not None:
        return qs.none()
    cell_townships = GridCell.objects.filter(pk__in=sorted(scope.cell_ids)).values("township_id")
    return qs.filter(Q(pk__in=sorted(scope.township_ids)) | Q(pk__in=cell_townships))


# The records the apps above keep in the grid, registered from their AppConfig.ready()
# (grid knows no app): name → (model, the path from a record to its enterprise).
_RECORDS = {}


def register_records(name, model, enterprise_path="enterprise_id"):
    """An app tells scoping about a model whose rows carry township and cell."""
    _RECORDS[name] = (model, enterprise_path)


def enterprise_key(model):
    """The path from ``model`` to the enterprise its records belong to (as registered)."""
    for registered, path in _RECORDS.values():
        if registered is model:
            return path
    return "enterprise_id"


def _model_at(model, prefix):
    for name in filter(None, prefix.split("__")):
        model = model._meta.get_field(name).related_model
    return model


def limit(queryset, user, prefix=""):
    """Limit any queryset whose model (or ``prefix`` relation) has township and cell fields
    (and, for enterprise accounts, a path to its enterprise: ``enterprise_key``)."""
    scope = scope_of(user)
    key = "enterprise_id"
    if scope.enterprise_id is not None:
        key = enterprise_key(_model_at(queryset.model, prefix))
    return queryset.filter(scope.q(prefix, key))


def records_for(user, name):
    """The registered records ``name`` the user may see."""
    model, _path = _RECORDS[name]
    return limit(model._default_manager.all(), user)


def enterprises_for(user):
    return records_for(user, "enterprises")


def hazards_for(user):
    return records_for(user, "hazards")


def inspections_for(user):
    return records_for(user, "inspections")


def enforcement_for(user):
    return records_for(user, "enforcement")


def orders_for(user):
    return records_for(user, "orders")


def can_see(user, obj):
    """True when ``obj`` (anything with township_id and cell_id) lies in the user's scope;
    for an enterprise account, when it is that enterprise or one of its records."""
    scope = scope_of(user)
    if scope.enterprise_id is not None and not scope.everything:
        return _enterprise_id_of(obj) == scope.enterprise_id
    return scope.contains(getattr(obj, "township_id", None), getattr(obj, "cell_id", None))


def _enterprise_id_of(obj):
    value = obj
    for name in enterprise_key(type(obj)).split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404("not found") from exc


# Master-data and page permissions by role. Hazard transitions have their own rules in
# hazards.workflow, which also calls ``require`` for the scope check.
_ALLOWED = {
    # An enterprise account reads its own enterprise's records (scope_of limits it).
    "view": {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY, roles.ADMIN, roles.ENTERPRISE},
    "enterprise.edit": {roles.SUPERVISOR, roles.COUNTY, roles.ADMIN},
    "enterprise.import": {roles.ADMIN},
    "hazard.import": {roles.ADMIN, roles.COUNTY},
    # An enterprise account registers its own hazards (企业自查, Hazard.source "self").
    "hazard.register": {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY, roles.ENTERPRISE},
    "inspection.record": {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY},
    # 企业自查: an enterprise account inspects its own enterprise against the checklists
    # (inspections.services.start_self); never counted in the government figures.
    "inspection.self": {roles.ENTERPRISE},
    "enforcement.record": {roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY},
    # 检查组 (inspections.groups): formed and edited on the PC; inspectors only read them.
    "group.manage": {roles.SUPERVISOR, roles.COUNTY, roles.ADMIN},
    "order.issue": {roles.SUPERVISOR, roles.COUNTY},
    "report.view": {roles.SUPERVISOR, roles.COUNTY, roles.ADMIN},
    "overdue.board": {roles.SUPERVISOR, roles.COUNTY, roles.ADMIN},
    "coverage.board": {roles.SUPERVISOR, roles.COUNTY, roles.ADMIN},
    # Closed periods (reports.periods): the county closes and reopens; reading them is
    # "report.view"; a township supervisor writes the 统计分析 of their own township.
    "period.close": {roles.COUNTY},
    "period.analyse": {roles.SUPERVISOR, roles.COUNTY},
    # Enterprise accounts (enterprises.accounts): created and deactivated by these.
    "account.manage": {roles.SUPERVISOR, roles.ADMIN},
    # 自查自报 (enterprises.selfreports): the enterprise files its own; the offices read the
    # 录入率 / 季报率 of their scope and remind those that have not reported.
    "selfreport.submit": {roles.ENTERPRISE},
    "selfreport.rates": {roles.SUPERVISOR, roles.COUNTY, roles.ADMIN},
    "selfreport.remind": {roles.SUPERVISOR, roles.COUNTY},
    # 判定标准库 (criteria): every role reads it ("view"); the administrator loads files.
    "criteria.load": {roles.ADMIN},
    # 重大事故隐患专项检查表, generated from the library (inspections.criteria_checklists).
    "checklist.generate": {roles.COUNTY, roles.ADMIN},
}


def allowed(user, action):
    return roles.role_of(user) in _ALLOWED[action]


def require(user, action, obj=None):
    """Raise Http404 when ``obj`` is outside the user's scope, PermissionDenied when the
    user's role may not do ``action``. Visible-but-forbidden is 403; invisible is 404."""
    if obj is not None and not can_see(user, obj):
        raise Http404("not found")
    if not allowed(user, action):
        raise PermissionDenied
