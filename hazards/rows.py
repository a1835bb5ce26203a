"""The ledger's rows as HTML, rendered in Python (issue 17).

Fifty rows through the template language cost a ``{% url %}``, a ``status_badge``, a
``get_level_display`` and six ``{% translate %}`` each; here what is constant for the page
is computed once (the detail URL around the id, the translated labels of the phone cards,
the state and level labels) and each row is one ``format_html``. The HTML is the same as the
template's was: every cell of a row but the first carries its ``data-label``, which the
phone layout (``table-stack``) shows as the card's label. The values are the hazards' as
given, so a page overlaid with a past date (``states.overlay``) shows that date's state.
"""

import unicodedata
from html import escape as _escape

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hazards.models import OVERDUE, Level, Status, matches

_ID_MARK = 918273645  # an id no test or bench reaches: where the id goes in the detail URL


def escape(value):
    """Django's ``escape`` without its lazy-string wrapper: the same text, a tenth the cost."""
    return _escape(str(value))


def _detail_url():
    """The detail URL split around the id: ``head`` + id + ``tail``, reversed once."""
    head, tail = reverse("hazards:detail", args=[_ID_MARK]).split(str(_ID_MARK))
    return escape(head), escape(tail)


def _date(value):
    return value.isoformat() if value else ""


def _description(text, length=80):
    """``text|truncatechars:80``: the text (NFC) when it fits, else Django's truncation."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return Truncator(text).chars(length)


def ledger_rows(hazards, as_of, *, criteria=False):
    """The ``<tr>``s of the ledger's table for ``hazards`` (a page, already overlaid).

    ``criteria``: a last column with each hazard's 判定依据 items (``标准简称 第N条第M项``),
    read from ``hazard.criteria.all()`` (prefetched by the view: no query per row).
    """
    head, tail = _detail_url()
    statuses = {value: escape(label) for value, label in Status.choices}
    levels = {value: escape(label) for value, label in Level.choices}
    recurrence = f' <span class="badge text-bg-warning">{escape(_("反复出现"))}</span>'
    # 逾期N天, read from the one OVERDUE term (as the status_badge tag does): its Q once.
    overdue_q, late = OVERDUE.q(as_of), _("逾期%(days)d天")
    label = {
        key: escape(_(text))
        for key, text in (
            ("enterprise", "企业"),
            ("status", "状态"),
            ("description", "隐患描述"),
            ("level", "等级"),
            ("deadline", "整改期限"),
            ("found_on", "发现日期"),
            ("place", "乡镇/网格"),
            ("criteria", "判定依据"),
        )
    }
    row = (
        '<tr><td><a href="{url}" hx-boost="false">{number}</a></td>'
        '<td data-label="{l[enterprise]}">{enterprise}</td>'
        '<td data-label="{l[status]}">{status}</td>'
        '<td class="wrap" data-label="{l[description]}">{description}{recurrence}</td>'
        '<td data-label="{l[level]}">{level}</td>'
        '<td data-label="{l[deadline]}">{deadline}</td>'
        '<td data-label="{l[found_on]}">{found_on}</td>'
        '<td data-label="{l[place]}">{township} · {cell}</td>'
        "{criteria}</tr>"
    )
    out = []
    for h in hazards:
        badges = _status_badges(h, statuses, overdue_q, as_of, late)
        level = levels.get(h.level) or escape(h.level)
        if h.level == Level.MAJOR:
            level = f'<span class="badge text-bg-danger">{level}</span>'
        items = ""
        if criteria:
            refs = "；".join(c.short_reference for c in h.criteria.all()) or "—"
            items = f'<td class="wrap" data-label="{label["criteria"]}">{escape(refs)}</td>'
        out.append(
            row.format(
                l=label,
                url=f"{head}{int(h.pk)}{tail}",
                number=escape(h.number),
                enterprise=escape(h.enterprise.name),
                status=badges,
                description=escape(_description(h.description)),
                recurrence=recurrence if h.is_recurrence else "",
                level=level,
                deadline=_date(h.deadline) or "—",
                found_on=_date(h.found_on),
                township=escape(h.township.name),
                cell=escape(h.cell.name),
                criteria=items,
            )
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped


def work_rows(hazards, as_of):
    """The ``<tr>``s of the 我的工作 tables (``hazards/_rows.html``): number, enterprise,
    state, description (60 characters, 重大 as a badge), deadline with a requested
    extension, township and cell; built like ``ledger_rows``."""
    head, tail = _detail_url()
    statuses = {value: escape(label) for value, label in Status.choices}
    overdue_q, late = OVERDUE.q(as_of), _("逾期%(days)d天")
    major = f' <span class="badge text-bg-danger">{escape(_("重大"))}</span>'
    extension = escape(_("申请延期至"))
    label = {key: escape(_(text)) for key, text in _WORK_LABELS}
    row = (
        '<tr><td><a href="{url}">{number}</a></td>'
        '<td data-label="{l[enterprise]}">{enterprise}</td>'
        '<td data-label="{l[status]}">{status}</td>'
        '<td class="wrap" data-label="{l[description]}">{description}{major}</td>'
        '<td data-label="{l[deadline]}">{deadline}{extension}</td>'
        '<td data-label="{l[place]}">{township} · {cell}</td></tr>'
    )
    out = []
    for h in hazards:
        badges = _status_badges(h, statuses, overdue_q, as_of, late)
        asked = ""
        if h.extension_requested_until:
            asked = (
                f'<br><span class="small text-warning-emphasis">{extension} '
                f"{_date(h.extension_requested_until)}</span>"
            )
        out.append(
            row.format(
                l=label,
                url=f"{head}{int(h.pk)}{tail}",
                number=escape(h.number),
                enterprise=escape(h.enterprise.name),
                status=badges,
                description=escape(_description(h.description, 60)),
                major=major if h.level == Level.MAJOR else "",
                deadline=_date(h.deadline) or "—",
                extension=asked,
                township=escape(h.township.name),
                cell=escape(h.cell.name),
            )
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped


_WORK_LABELS = (
    ("enterprise", "企业"),
    ("status", "状态"),
    ("description", "隐患描述"),
    ("deadline", "整改期限"),
    ("place", "乡镇/网格"),
)


def _status_badges(h, statuses, overdue_q, as_of, late):
    """The status badge of one row, and "逾期 N 天" beside it while the hazard is overdue."""
    status = escape(h.status)
    badges = f'<span class="badge status-{status}">{statuses.get(h.status, status)}</span>'
    if matches(overdue_q, h):
        days = escape(late % {"days": (as_of - h.deadline).days})
        badges += f' <span class="badge overdue-badge">{days}</span>'
    return badges


def filter_fields(form, skip=()):
    """The filter card's fields but ``skip``, as the card's loop wrote them: a hidden field
    as its input, any other in a column with its label. One function instead of a template
    loop of five lookups a field (issue 17)."""
    parts = []
    for field in form:
        if field.name in skip:
            continue
        if field.is_hidden:
            parts.append(str(field))
            continue
        parts.append(
            '<div class="col-6 col-md-4 col-lg-2">\n'
            f'  <label class="form-label small mb-1" for="{escape(field.id_for_label)}">'
            f"{escape(field.label)}</label>\n"
            f"  {field}\n"
            "</div>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 — labels escaped, fields are widgets' HTML
