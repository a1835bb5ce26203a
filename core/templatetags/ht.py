"""Small presentation helpers shared by every area's templates."""

from django import template
from django.utils.html import format_html

register = template.Library()


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
