"""Gap-tolerant, race-free counters for document numbers."""

from django.db import transaction
from django.db.models import F

from core.models import NumberSequence


def next_value(key, count=1):
    """Reserve ``count`` consecutive values of the counter ``key``; return the first.

    The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite IMMEDIATE), so two
    writers never get the same number.
    """
    with transaction.atomic():
        NumberSequence.objects.get_or_create(key=key)
        NumberSequence.objects.filter(key=key).update(last=F("last") + count)
        last = NumberSequence.objects.values_list("last", flat=True).get(key=key)
    return last - count + 1


def bump_to_at_least(key, value):
    """Make sure the counter is at least ``value`` (imports that bring their own numbers)."""
    with transaction.atomic():
        NumberSequence.objects.get_or_create(key=key)
        NumberSequence.objects.filter(key=key, last__lt=value).update(last=value)
