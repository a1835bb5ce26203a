"""The one bridge from the workflow: a HazardEvent row saved → notifications after commit."""

from functools import partial

from django.db import transaction


def hazard_event_saved(sender, instance, created, **kwargs):
    from notifications.services import EVENT_CAUSES, notify_event

    if created and instance.action in EVENT_CAUSES:
        # robust: a failure to notify is logged and never undoes or breaks the transition.
        transaction.on_commit(partial(notify_event, instance.pk), robust=True)
