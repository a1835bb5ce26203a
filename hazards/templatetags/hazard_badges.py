"""A hazard's state as a badge, with 逾期 read from the one OVERDUE term."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def status_badge(hazard, as_of=None):
    """The hazard's state as a coloured badge, with 逾期 N 天 when overdue on ``as_of``."""
    html = format_html(
        '<span class="badge status-{}">{}</span>', hazard.status, hazard.get_status_display()
    )
    if hazard.is_overdue(as_of):
        html += format_html(
            ' <span class="badge overdue-badge">{}</span>',
            _("逾期%(days)d天") % {"days": hazard.overdue_days(as_of)},
        )
    return html


@register.simple_tag
def work_rows(hazards, as_of=None):
    """The rows of a 我的工作 table, rendered in Python (hazards.rows.work_rows)."""
    from hazards import rows

    return rows.work_rows(hazards, as_of or timezone.localdate())
