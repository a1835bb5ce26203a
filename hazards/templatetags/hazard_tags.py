"""Presentation helpers of the hazard pages: sortable headers, tabs, the history's data."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hazards.models import Hazard, Status

register = template.Library()


def _query(request, **changes):
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context, label, asc, desc=""):
    """A column header that sorts by ``asc``, then ``desc`` on a second click."""
    current = context.get("sort", "")
    target = desc if (desc and current == asc) else asc
    arrow = ""
    if current == asc:
        arrow = " ▲"
    elif desc and current == desc:
        arrow = " ▼"
    q = _query(context["request"], sort=target)
    return format_html(
        '<a class="link-dark text-decoration-none" href="?{}" hx-get="?{}" hx-target="#ledger" '
        'hx-select="#ledger" hx-swap="outerHTML" hx-push-url="true">{}{}</a>',
        q,
        q,
        label,
        arrow,
    )


@register.simple_tag
def filter_card(filterset, *skip):
    """The filter card's fields but ``skip``, each with its label (``hazards.rows``), kept
    in the cache per scope and data (``RecordFilter.card``)."""
    return filterset.card(skip)


@register.simple_tag(takes_context=True)
def tab_query(context, status):
    return _query(context["request"], status=status)


_EXTRA_LABELS = {
    "on_the_spot": gettext_lazy("立查立改"),
    "previous_deadline": gettext_lazy("原期限"),
    "order": gettext_lazy("督办单号"),
    "order_kind": gettext_lazy("督办类型"),
    "order_deadline": gettext_lazy("督办期限"),
    "finders": gettext_lazy("检查人员"),
    "fixed_by": gettext_lazy("整改上报人"),
    "closed_by": gettext_lazy("销号人"),
    "reference": gettext_lazy("提示的判定条款"),
    "decision": gettext_lazy("核对结果"),
}
_HIDDEN = {
    "finders",
    "fixed_by",
    "closed_by",
    "inspection",
    "fix_note",
    "acceptance_note",
    "criterion",  # answer_major_hint: its reference is shown
}


def _label(key):
    if key in _EXTRA_LABELS:
        return str(_EXTRA_LABELS[key])
    try:
        return str(Hazard._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _value(key, value):
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value in (None, ""):
        return "—"
    if key == "level":
        return dict(Hazard._meta.get_field("level").choices).get(value, value)
    if key == "listing_level":
        return dict(Hazard._meta.get_field("listing_level").choices).get(value, value)
    if key == "order_kind":
        return {"order": _("督办单"), "listing": _("挂牌督办")}.get(value, value)
    if key == "decision":
        from hazards.workflow import HINT_DECISIONS

        return str(HINT_DECISIONS.get(value, value))
    if key == "criteria" and isinstance(value, list):
        from criteria.models import Criterion

        if not value:
            return "—"

        by_pk = {c.pk: c for c in Criterion.objects.filter(pk__in=value).select_related("standard")}
        return "；".join(by_pk[pk].short_reference if pk in by_pk else str(pk) for pk in value)
    return value


@register.filter
def event_data(event):
    """The data an event set, as 'label：value' pairs (what the note already says is left out).

    An amend event keeps each corrected fact before and after: shown as 'label：old → new'.
    """
    data = event.data or {}
    before, after = data.get("before"), data.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        items = [
            (_label(k), f"{_value(k, before.get(k))} → {_value(k, after.get(k))}") for k in after
        ]
        return format_html_join("；", "{}：{}", items)
    items = [
        (_label(k), _value(k, v))
        for k, v in (event.data or {}).items()
        if k not in _HIDDEN and not (k == "is_recurrence" and not v)
    ]
    if not items:
        return ""
    return format_html_join("；", "{}：{}", items)


@register.filter
def status_label(value):
    try:
        return Status(value).label
    except ValueError:
        return value or "—"


@register.filter
def industry_label(code):
    from enterprises.models import Industry

    try:
        return Industry(code).label
    except ValueError:
        return code or "—"
