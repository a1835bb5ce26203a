"""Plausible dates (issue 13): the one home of the horizons a date typed on a form must
fall within. Imports of historical ledgers keep their own rules and do not call these.

- A date something was found or inspected (发现日期, 检查日期) is neither after today nor
  before ``today - HAZARDTRACK_PAST_DAYS`` (default 365).
- A deadline (整改期限, 延期, 督办期限) is not after ``today + HAZARDTRACK_DEADLINE_DAYS``
  (default 365; 挂牌督办 deadlines up to a year by rule), so that no hazard is put out of
  reach of 逾期.

Each function returns the Chinese message for a date outside its horizon, or None; the
caller raises its own error (``WorkflowError``, ``InspectionError``) with it.
"""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_DAYS = 365


def past_days():
    return getattr(settings, "HAZARDTRACK_PAST_DAYS", DEFAULT_DAYS)


def deadline_days():
    return getattr(settings, "HAZARDTRACK_DEADLINE_DAYS", DEFAULT_DAYS)


def earliest(today):
    return today - timedelta(days=past_days())


def latest_deadline(today):
    return today + timedelta(days=deadline_days())


def happened_on_error(value, today, label):
    """``label`` (发现日期, 检查日期): not after today, not before the past horizon."""
    if value > today:
        return _("%(label)s不能晚于今天。") % {"label": label}
    if value < earliest(today):
        return _("%(label)s不能早于 %(date)s（%(days)d 天以前的记录请通过台账导入）。") % {
            "label": label,
            "date": f"{earliest(today):%Y-%m-%d}",
            "days": past_days(),
        }
    return None


def deadline_error(value, today, label):
    """``label`` (整改期限, 督办期限, 延期后的期限): not after the deadline horizon."""
    if value > latest_deadline(today):
        return _("%(label)s不能晚于 %(date)s（最长 %(days)d 天）。") % {
            "label": label,
            "date": f"{latest_deadline(today):%Y-%m-%d}",
            "days": deadline_days(),
        }
    return None
