"""Field work: which enterprises an inspector starts from, and (below) the JSON sync
endpoint that the offline checklist sends its queue to.

The lists start from grid.scoping like every read; the sync endpoint writes only through
inspections.services and hazards.workflow, with the same scoping as the pages.
"""

from django.db.models import Exists, Max, OuterRef, Q

from enterprises.models import Enterprise, EnterpriseStatus
from grid import scoping


def field_enterprises(user, query=""):
    """Enterprises the user may inspect: 包保 (assigned to the user) first, then the rest of
    the user's cells, by name. ``query`` narrows by name, credit code or address."""
    assigned = Enterprise.inspectors.through.objects.filter(
        enterprise_id=OuterRef("pk"), user_id=user.pk
    )
    qs = (
        scoping.enterprises_for(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .annotate(mine=Exists(assigned))
    )
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(uscc__icontains=query) | Q(address__icontains=query)
        )
    return qs.order_by("-mine", "name", "pk")


def recently_inspected(user, limit=5):
    """Enterprises in scope the user inspected last, most recent first."""
    return list(
        scoping.enterprises_for(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .filter(inspections__inspectors=user)
        .annotate(last_inspected=Max("inspections__date"))
        .order_by("-last_inspected", "name")[:limit]
    )


def start_choices(user, limit=8):
    """我的工作's 开始检查: my 包保 enterprises and the ones I inspected lately."""
    mine = list(
        scoping.enterprises_for(user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .filter(inspectors=user)
        .order_by("name", "pk")[: limit + 1]
    )
    return {
        "mine": mine[:limit],
        "more_mine": len(mine) > limit,
        "recent": recently_inspected(user),
    }
