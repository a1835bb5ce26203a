from django import template

from notifications import services

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_digest(context, limit=10):
    """The signed-in user's digest (unread counts by cause, the newest ``limit`` unread)."""
    return services.digest(context["request"].user, limit=limit)
