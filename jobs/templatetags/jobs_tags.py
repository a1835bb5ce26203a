"""Presentation of jobs: state badges and durations in Chinese."""

from django import template
from django.utils.html import format_html

from core.progress import format_duration

register = template.Library()

_STATE_CLASSES = {
    "queued": "text-bg-secondary",
    "running": "text-bg-primary",
    "done": "text-bg-success",
    "failed": "text-bg-danger",
}


@register.simple_tag
def job_state_badge(job):
    return format_html(
        '<span class="badge {}">{}</span>',
        _STATE_CLASSES.get(job.state, "text-bg-light"),
        job.get_state_display(),
    )


@register.filter
def duration(value):
    """A timedelta or a number of seconds as 1分15秒; empty for None."""
    if value is None or value == "":
        return ""
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else float(value)
    return format_duration(seconds)
