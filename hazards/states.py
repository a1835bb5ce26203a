"""Status as of a date: the effective-dated state table (``HazardState``).

docs/domain.md, "Status as of a date": a report for a past date C reads each hazard's
status, deadline and fix as they stood at the end of day C (Asia/Shanghai), whatever
happened afterwards. ``hazards.workflow`` calls ``record`` in the same transaction as every
event it writes; ``expected_intervals`` computes the same intervals from the events alone,
so ``manage.py rebuild_hazard_states`` can verify the table and repair it (after a restore,
or for data written before the table existed).

The rules, written once here and in docs/domain.md:

- An interval starts on the local date of the event that changed the state and holds at
  the end of every day until the next change; several changes on one day leave only the
  last (an interval cannot be empty).
- The first interval starts on the found date (a hazard registered later, 补录, was open
  from the day it was found); events written in the registration's own transaction
  (立查立改's ``report_fixed``) share that start.
- An imported hazard has no history in this system: its intervals follow its own dates
  (found → 整改期限 set on the found date, 整改完成日期, 销号日期). Events after the import
  are ordinary events.
- A change recorded with a moment earlier than the current interval's start (a clock
  set back) starts with that interval: intervals never overlap.
- A voided hazard is VOID from its first day: a false report was never a hazard, so it
  leaves every figure, past dates included (the report pages say so).
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

from hazards.models import (
    FIXED_FACTS,
    OPEN_END,
    STATE_FIELDS,
    Hazard,
    HazardEvent,
    HazardState,
    Status,
)

TRACKED = STATE_FIELDS


@dataclass(frozen=True)
class Interval:
    valid_from: date
    valid_until: date
    status: str
    deadline: date | None
    original_deadline: date | None
    fixed_on: date | None
    closed_on: date | None

    def values(self):
        return {name: getattr(self, name) for name in TRACKED}


def state_of(hazard):
    """The tracked values of a hazard as it is now."""
    return {name: getattr(hazard, name) for name in TRACKED}


def _facts(hazard):
    return {name: getattr(hazard, name) for name in FIXED_FACTS}


def _day(moment):
    return timezone.localdate(moment)


def open_first(hazard, at):
    """Write the first interval of a newly registered hazard (from its found date)."""
    HazardState.objects.create(
        hazard_id=hazard.pk,
        valid_from=min(hazard.found_on, _day(at)),
        **state_of(hazard),
        **_facts(hazard),
    )


def record(hazard, at):
    """After a transition: end the current interval and start one with the hazard's values.

    ``hazard`` is the row as written (refreshed). Nothing happens when no tracked value
    changed (延期申请, 移送, 督办, 更正 change no reportable state). Runs inside the
    transition's transaction.
    """
    current = (
        HazardState.objects.select_for_update()
        .filter(hazard_id=hazard.pk, valid_until=OPEN_END)
        .first()
    )
    values = state_of(hazard)
    if current is None:
        open_first(hazard, at)
        return
    if all(getattr(current, name) == value for name, value in values.items()):
        return
    if values["status"] == Status.VOID:
        first = HazardState.objects.filter(hazard_id=hazard.pk).order_by("valid_from").first()
        HazardState.objects.filter(hazard_id=hazard.pk).exclude(pk=first.pk).delete()
        HazardState.objects.filter(pk=first.pk).update(valid_until=OPEN_END, **values)
        return
    if at == hazard.created_at:
        day = current.valid_from  # written with the registration (立查立改)
    else:
        day = max(_day(at), current.valid_from)
    if day == current.valid_from:
        # The state changed again on the day it started: only the day's last state holds.
        HazardState.objects.filter(pk=current.pk).update(**values)
        return
    HazardState.objects.filter(pk=current.pk).update(valid_until=day)
    HazardState.objects.create(hazard_id=hazard.pk, valid_from=day, **values, **_facts(hazard))


def imported_intervals(found_on, deadline, fixed_on, closed_on, status, original=None):
    """The intervals of a hazard brought from an old ledger, from its own dates."""
    original = original or deadline
    steps = [(found_on, Status.DEADLINE if deadline else Status.FOUND, None, None)]
    if fixed_on:
        steps.append((fixed_on, Status.FIXED, fixed_on, None))
    if closed_on:
        steps.append((closed_on, Status.CLOSED, fixed_on, closed_on))
    if status == Status.VOID:
        steps = [(found_on, Status.VOID, fixed_on, closed_on)]
    result = []
    for i, (start, state, fixed, closed) in enumerate(steps):
        end = steps[i + 1][0] if i + 1 < len(steps) else OPEN_END
        if end <= start:
            continue
        result.append(Interval(start, end, state, deadline, original, fixed, closed))
    return result


def _own_dates(hazard):
    """The intervals of a hazard with no usable history: from its own dates."""
    return imported_intervals(
        hazard.found_on,
        hazard.deadline,
        hazard.fixed_on,
        hazard.closed_on,
        hazard.status,
        hazard.original_deadline,
    )


def write_imported(hazards):
    """The intervals of freshly imported hazards (``bulk_create``d, with their pks)."""
    rows = []
    for h in hazards:
        for iv in _own_dates(h):
            rows.append(
                HazardState(
                    hazard_id=h.pk,
                    valid_from=iv.valid_from,
                    valid_until=iv.valid_until,
                    **iv.values(),
                    **_facts(h),
                )
            )
    HazardState.objects.bulk_create(rows)


def _parse(value):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return parse_date(value)


def expected_intervals(hazard, events, day_of=_day):
    """The intervals the events of one hazard give, by the rules of the module docstring.

    ``day_of`` turns an event's ``at`` into its local date (bench/generate.py passes its
    own, for speed)."""
    steps = []  # (day, values)
    values = None
    register_at = None
    first_day = None
    for event in events:
        if event.action == "import":
            row = (event.data or {}).get("row") or {}
            if row:
                dates = [_parse(row.get(k)) for k in ("found_on", "deadline", "fixed_on")]
                closed = _parse(row.get("closed_on"))
                found, deadline, fixed = dates
                ivs = imported_intervals(found, deadline, fixed, closed, event.to_status)
            else:  # an import that kept no row: the hazard's own dates
                ivs = _own_dates(hazard)
            steps = [(iv.valid_from, iv.values()) for iv in ivs]
            values = dict(steps[-1][1]) if steps else None
            first_day = steps[0][0] if steps else hazard.found_on
            register_at = event.at
            continue
        if values is None:
            # register (or the first event of a hazard whose start is missing)
            values = {name: None for name in TRACKED}
            register_at = event.at
            first_day = min(hazard.found_on, day_of(event.at))
            values["status"] = event.to_status or Status.FOUND
            steps.append((first_day, dict(values)))
            continue
        new = dict(values)
        new["status"] = event.to_status or values["status"]
        data = event.data or {}
        for name in TRACKED:
            if name != "status" and name in data:
                new[name] = _parse(data[name])
        if new == values:
            continue
        day = first_day if event.at == register_at else day_of(event.at)
        day = max(day, steps[-1][0])
        if day == steps[-1][0]:
            steps[-1] = (day, new)
        else:
            steps.append((day, new))
        values = new
    if steps and steps[-1][1]["status"] == Status.VOID:
        steps = [(steps[0][0], steps[-1][1])]
    return [
        Interval(
            day,
            steps[i + 1][0] if i + 1 < len(steps) else OPEN_END,
            v["status"],
            v["deadline"],
            v["original_deadline"],
            v["fixed_on"],
            v["closed_on"],
        )
        for i, (day, v) in enumerate(steps)
    ]


def _stored(hazard_id):
    return [
        Interval(
            s.valid_from,
            s.valid_until,
            s.status,
            s.deadline,
            s.original_deadline,
            s.fixed_on,
            s.closed_on,
        )
        for s in HazardState.objects.filter(hazard_id=hazard_id).order_by("valid_from")
    ]


@dataclass
class Difference:
    hazard_id: int
    number: str
    stored: list
    expected: list


def rebuild(*, repair=False, hazard_ids=None, chunk=500, progress=None):
    """Compare the table with the intervals the events give; with ``repair``, rewrite the
    hazards that differ (each in its own transaction). Returns the differences found."""
    qs = Hazard.objects.order_by("pk")
    if hazard_ids is not None:
        qs = qs.filter(pk__in=hazard_ids)
    ids = list(qs.values_list("pk", flat=True))
    differences = []
    for start in range(0, len(ids), chunk):
        batch = ids[start : start + chunk]
        hazards = {
            h.pk: h
            for h in Hazard.objects.filter(pk__in=batch).only("number", *TRACKED, *FIXED_FACTS)
        }
        events = {}
        events_qs = HazardEvent.objects.filter(hazard_id__in=batch).only(
            "hazard_id", "action", "at", "to_status", "data"
        )
        for e in events_qs.order_by("at", "id"):
            events.setdefault(e.hazard_id, []).append(e)
        for pk in batch:
            hazard = hazards[pk]
            expected = expected_intervals(hazard, events.get(pk, []))
            if not expected:
                expected = _own_dates(hazard)
            stored = _stored(pk)
            if stored == expected:
                continue
            differences.append(Difference(pk, hazard.number, stored, expected))
            if repair:
                with transaction.atomic():
                    HazardState.objects.filter(hazard_id=pk).delete()
                    HazardState.objects.bulk_create(
                        HazardState(
                            hazard_id=pk,
                            valid_from=iv.valid_from,
                            valid_until=iv.valid_until,
                            **iv.values(),
                            **_facts(hazard),
                        )
                        for iv in expected
                    )
        if progress is not None:
            progress(min(start + chunk, len(ids)), len(ids))
    return differences


# --- reading ------------------------------------------------------------------------------


def reads_history(as_of):
    """Whether a reading as of ``as_of`` needs the intervals: a past date. As of today the
    hazard's own columns are its state (and the indexes built for the ledger are theirs)."""
    return as_of < timezone.localdate()


def rows_as_of(as_of):
    """The interval of every hazard that holds at the end of ``as_of`` (one per hazard)."""
    return HazardState.objects.as_of(as_of)


def hazard_ids_as_of(as_of, q):
    """The ids of the hazards whose state as of ``as_of`` satisfies ``q`` (a subquery)."""
    return rows_as_of(as_of).filter(q).values("hazard_id")


def values_as_of(hazard_ids, as_of):
    """{hazard id: {status, deadline, original_deadline, fixed_on, closed_on}} as they stood
    at the end of ``as_of``, for a page or a chunk of an export: one query."""
    return {
        row.pop("hazard_id"): row
        for row in rows_as_of(as_of).filter(hazard_id__in=hazard_ids).values("hazard_id", *TRACKED)
    }


def overlay(hazards, as_of):
    """Show ``hazards`` (a page of a list) with their state as of ``as_of``: status, deadline
    and fix as they stood then, so the 状态 column and the badges read that date. One query;
    nothing is saved. A hazard not yet found then keeps its own values."""
    hazards = list(hazards)
    if not hazards or not reads_history(as_of):
        return hazards
    then = values_as_of([h.pk for h in hazards], as_of)
    for h in hazards:
        for name, value in then.get(h.pk, {}).items():
            setattr(h, name, value)
    return hazards
