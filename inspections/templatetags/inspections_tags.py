"""Template helpers of the inspection pages, and the enterprise page's activity section.

On another area's page: ``{% load inspections_tags %}{% enterprise_activity enterprise as
activity %}{% include "inspections/_enterprise_section.html" %}``.
"""

from django import template

from inspections import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def enterprise_activity(context, enterprise):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or enterprise is None:
        return None
    return selectors.enterprise_activity(user, enterprise)


RESULT_MARKS = {"pass": "✓", "fail": "✗", "na": "—", "pending": ""}


@register.filter
def result_mark(result):
    return RESULT_MARKS.get(result, "")
