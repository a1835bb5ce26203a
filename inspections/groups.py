"""检查组 on the PC: which groups a user sees and may form, and the one writer of a group.

Visibility starts from grid.scoping: a user sees the groups formed by a cell in their scope
(a county officer also their county's), the groups that inspected an enterprise in their
scope (a county group working in a township is seen there) and the groups they belong to.
Forming and editing a group is "group.manage", for a group formed by a cell the user may
form groups for (``units_for``). The phone's choice of group (``services.groups_for``) reads
the same records, so a group formed here is offered there at once.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grid import roles, scoping
from grid.models import GridCell
from inspections.models import InspectionGroup
from inspections.services import FIELD_ROLES, InspectionError, split_names

UNIT_LEVELS = (GridCell.Level.COUNTY, GridCell.Level.TOWNSHIP)


def units_for(user):
    """The cells ``user`` may form a group for: the townships in their scope, and for a
    county officer (or an administrator) the county above them."""
    scope = scoping.scope_of(user)
    cells = GridCell.objects.filter(level__in=UNIT_LEVELS, is_active=True)
    if scope.everything:
        return cells
    townships = scoping.cells_for(user).filter(level=GridCell.Level.TOWNSHIP, is_active=True)
    if roles.role_of(user) == roles.COUNTY:
        return cells.filter(
            Q(pk__in=townships.values("pk")) | Q(pk__in=townships.values("parent_id"))
        )
    return cells.filter(pk__in=townships.values("pk"))


def group_list(user):
    """The groups ``user`` may read, with their organising unit and member count."""
    scope = scoping.scope_of(user)
    qs = InspectionGroup.objects.select_related("unit", "leader")
    if roles.role_of(user) == roles.ENTERPRISE:
        # An enterprise reads its inspections, never the offices' groups: their ids are 404.
        return qs.none()
    if not scope.everything:
        inspected = (
            scoping.inspections_for(user).filter(outing__isnull=False).values("outing__group_id")
        )
        qs = qs.filter(
            Q(unit__in=scoping.cells_for(user))
            | Q(unit__in=units_for(user))
            | Q(pk__in=inspected)
            | Q(members=user)
        ).distinct()
    return qs.annotate(member_count=Count("members", distinct=True))


def can_manage(user, group=None):
    """``user`` may form groups (no ``group``), or edit ``group``: its unit is theirs."""
    if not scoping.allowed(user, "group.manage"):
        return False
    return group is None or units_for(user).filter(pk=group.unit_id).exists()


def people_for(user, keep=()):
    """Who ``user`` may put in a group: active field staff assigned to a cell in their scope
    (or to the county they form groups for), plus ``keep`` (a group's current members, so an
    edit never drops someone the editor cannot see)."""
    scope = scoping.scope_of(user)
    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=[roles.GROUP_NAMES[r] for r in FIELD_ROLES]
    )
    if not scope.everything:
        cells = scoping.cells_for(user).values("pk")
        units = units_for(user).values("pk")
        users = users.filter(
            Q(grid_assignments__cell__in=cells) | Q(grid_assignments__cell__in=units)
        )
    keep_ids = [u.pk for u in keep]
    if keep_ids:
        users = get_user_model().objects.filter(Q(pk__in=users.values("pk")) | Q(pk__in=keep_ids))
    return users.distinct().order_by("first_name", "username")


def outings_of(user, group, *, everything):
    """The group's outings, newest first, each with the inspections ``user`` may see
    (``visible_inspections``). Without ``everything`` (a reader who does not manage the
    group) only the outings that inspected in the user's scope."""
    visible = (
        scoping.inspections_for(user)
        .select_related("enterprise")
        .only("id", "date", "status", "outing_id", "enterprise__id", "enterprise__name")
        .order_by("enterprise__name", "id")
    )
    qs = group.outings.prefetch_related(
        "present", Prefetch("inspections", queryset=visible, to_attr="visible_inspections")
    ).annotate(inspection_count=Count("inspections", distinct=True))
    if not everything:
        qs = qs.filter(pk__in=visible.filter(outing__group=group).values("outing_id"))
    return qs.order_by("-date", "-pk")


def is_active(group, today=None):
    """进行中: today lies in the group's date range (an open end counts as going on)."""
    today = today or timezone.localdate()
    return (group.starts_on is None or group.starts_on <= today) and (
        group.ends_on is None or group.ends_on >= today
    )


def active_q(today=None):
    today = today or timezone.localdate()
    return (Q(starts_on__isnull=True) | Q(starts_on__lte=today)) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def save_group(
    *,
    by,
    group=None,
    name,
    unit,
    leader,
    members,
    guest_names="",
    kind,
    campaign="",
    starts_on=None,
    ends_on=None,
):
    """Form a group (``group`` None) or change one. Checks permission and scope (404 for a
    group the user cannot see, 403 for one they may not edit), then the rules; writes the
    group and its members in one transaction. Returns the group."""
    if group is not None:
        scoping.get_or_404(group_list(by), pk=group.pk)
    if not can_manage(by, group):
        raise PermissionDenied  # a reader, or a group another office formed
    if not units_for(by).filter(pk=getattr(unit, "pk", None)).exists():
        raise InspectionError(_("请选择您所辖的县或乡镇作为组织单位。"))
    members = list(dict.fromkeys(members))
    allowed_ids = set(
        people_for(by, keep=group.members.all() if group else ()).values_list("pk", flat=True)
    )
    if any(m.pk not in allowed_ids for m in members):
        raise InspectionError(_("所选组员不在您的管辖范围内。"))
    if leader is not None and leader not in members:
        raise InspectionError(_("组长须是本组组员，请同时勾选组长。"))
    if starts_on and ends_on and ends_on < starts_on:
        raise InspectionError(_("结束日期不能早于开始日期。"))
    name = name.strip()
    taken = InspectionGroup.objects.filter(unit=unit, name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise InspectionError(duplicate_message(unit, name))
    group = group or InspectionGroup()
    group.name = name
    group.unit = unit
    group.leader = leader
    group.guest_names = "、".join(split_names(guest_names))
    group.kind = kind
    group.campaign = campaign.strip()
    group.starts_on = starts_on
    group.ends_on = ends_on
    try:
        with transaction.atomic():
            group.save()
            group.members.set(members)
    except IntegrityError as exc:  # the same name saved by someone else a moment ago
        raise InspectionError(duplicate_message(unit, name)) from exc
    return group


def duplicate_message(unit, name):
    return _(
        "%(unit)s已有名为“%(name)s”的检查组（同一组织单位的检查组名称不能重复，"
        "不同专项行动也请加以区分，如“%(name)s（秋季）”）。"
    ) % {"unit": unit.name, "name": name}
