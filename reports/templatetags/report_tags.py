"""Figures on report pages: every number a link to the records behind it."""

from django import template
from django.utils.html import format_html

from reports.queries import format_rate

register = template.Library()


@register.simple_tag
def figure(row, name, link=None):
    """The figure ``name`` of ``row`` as a link to its list (``link``: the link's key)."""
    value = getattr(row, name)
    url = row.links.get(link or name)
    if url is None:
        return format_html("{}", value)
    return format_html('<a href="{}">{}</a>', url, value)


@register.filter
def percent(value):
    """A rate (Decimal percentage) as "93.97%", or "—" when there is nothing to divide."""
    return format_rate(value)
