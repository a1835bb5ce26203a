"""Helpers for the reminder tests: a clock in Asia/Shanghai and who received what."""

import datetime

import pytest
import time_machine

from notifications.models import Notification

CST = datetime.timezone(datetime.timedelta(hours=8))


def at(day, hour=8):
    """An aware moment of a local (Asia/Shanghai) day, after the digest hour by default."""
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def travel(day, hour=8):
    return time_machine.travel(at(day, hour), tick=False)


def received(**filters):
    """{(username, cause)} of the notifications matching ``filters``."""
    return set(
        Notification.objects.filter(**filters).values_list("user__username", "cause").order_by()
    )


@pytest.fixture(autouse=True)
def _no_mail_no_robot(settings):
    """Nothing configured unless a test says so: the product's default."""
    settings.NOTIFY_EMAIL = False
