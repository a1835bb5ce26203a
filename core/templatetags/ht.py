"""Small presentation helpers shared by every area's templates."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def status_badge(hazard, as_of=None):
    """A hazard's state as a coloured badge, with 逾期 when overdue."""
    html = format_html(
        '<span class="badge status-{}">{}</span>', hazard.status, hazard.get_status_display()
    )
    if hazard.is_overdue(as_of):
        html += format_html(
            ' <span class="badge overdue-badge">逾期{}天</span>', hazard.overdue_days(as_of)
        )
    return html


@register.simple_tag
def risk_badge(enterprise):
    return format_html(
        '<span class="badge risk-{}">{}</span>', enterprise.risk, enterprise.get_risk_display()
    )


@register.filter
def yuan(value):
    """Amounts in yuan with thousands separators; empty for None."""
    if value in (None, ""):
        return ""
    return f"{value:,.2f}"
