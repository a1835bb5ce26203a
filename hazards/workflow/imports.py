"""The ledger import: validated rows of an old 隐患台账 written as hazards, one ``import``
event each (the only bulk path that sets a hazard's status)."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.sequences import bump_to_at_least, next_value
from grid import roles, scoping
from hazards import states
from hazards.models import Hazard, HazardEvent, Level, Source, Subject
from hazards.workflow.base import NotAllowed, S, _check_role, _now, declare

IMPORT_BATCH = 1000
_NUMBER_PREFIX = "YH"


class ImportRecord(NamedTuple):
    """One validated row of an old ledger, as compact as a tuple (hazards.imports builds it).

    ``number`` is "" when the system assigns one; ``line`` is the row number in the file.
    """

    line: int
    number: str
    uscc: str
    enterprise_id: int | None
    cell_id: int | None
    township_id: int | None
    industry: str
    description: str
    location: str
    level: str
    category: str
    found_on: date
    finder_names: str
    measures: str
    responsible_person: str
    funds_yuan: Decimal | None
    deadline: date | None
    fixed_on: date | None
    closed_on: date | None

    def row_data(self):
        """The row as JSON-ready text: kept in the import event, compared on re-import."""

        def iso(value):
            return value.isoformat() if value else ""

        return {
            "number": self.number,
            "uscc": self.uscc,
            "description": self.description,
            "location": self.location,
            "level": self.level,
            "category": self.category,
            "found_on": iso(self.found_on),
            "finder_names": self.finder_names,
            "measures": self.measures,
            "responsible_person": self.responsible_person,
            "funds_yuan": "" if self.funds_yuan is None else str(self.funds_yuan),
            "deadline": iso(self.deadline),
            "fixed_on": iso(self.fixed_on),
            "closed_on": iso(self.closed_on),
        }


def imported_status(deadline, fixed_on, closed_on):
    """The state an imported row is in, read from its dates (docs/domain.md, "Imports")."""
    if closed_on:
        return S.CLOSED
    if fixed_on:
        return S.FIXED
    if deadline:
        return S.DEADLINE
    return S.FOUND


def _split_number(number):
    year, seq = number[len(_NUMBER_PREFIX) :].split("-")
    return int(year), int(seq)


def _reserve_numbers(records):
    """Bump each year's counter past the numbers the file brings, then hand out the next
    numbers (one block per year, in file order) to the rows that have none."""
    brought = {}
    wanted = {}
    for r in records:
        if r.number:
            year, seq = _split_number(r.number)
            brought[year] = max(brought.get(year, 0), seq)
        else:
            year = r.found_on.year
            wanted[year] = wanted.get(year, 0) + 1
    for year, seq in sorted(brought.items()):
        bump_to_at_least(f"{_NUMBER_PREFIX}{year}", seq)
    return {
        year: next_value(f"{_NUMBER_PREFIX}{year}", count) for year, count in sorted(wanted.items())
    }


@declare(
    "import",
    sources=frozenset(),
    target=None,
    roles=frozenset({roles.ADMIN, roles.COUNTY}),
    label=_l("导入"),
)
def import_records(records, *, by, at=None, progress=None):
    """Write validated rows of an old ledger: the hazards and ONE ``import`` event each.

    The state follows from the dates (销号日期 → CLOSED, else 整改完成日期 → FIXED, else
    整改期限 → DEADLINE, else FOUND). A major hazard imported as CLOSED is a historical
    record that was never closed out by the county in this system: its event says so.
    Everything runs in one transaction, in batches of ``IMPORT_BATCH`` rows for both
    hazards and events, so memory stays flat for files of 50,000 rows. ``by=None`` is for
    trusted callers (a command run without ``--user``). Returns the number written.
    """
    if by is not None:
        _check_role(by, "import")
        scope = scoping.scope_of(by)
        if any(not scope.contains(r.township_id, r.cell_id) for r in records):
            raise NotAllowed(_("导入的企业不在您的管辖范围内。"))
    now = _now(at)
    done = 0
    with transaction.atomic():
        next_free = _reserve_numbers(records)
        for start in range(0, len(records), IMPORT_BATCH):
            batch = records[start : start + IMPORT_BATCH]
            hazards = []
            for r in batch:
                number = r.number
                if not number:
                    year = r.found_on.year
                    number = f"{_NUMBER_PREFIX}{year}-{next_free[year]:06d}"
                    next_free[year] += 1
                hazards.append(
                    Hazard(
                        number=number,
                        enterprise_id=r.enterprise_id,
                        cell_id=r.cell_id,
                        township_id=r.township_id,
                        industry=r.industry,
                        level=r.level,
                        category=r.category,
                        subject=Subject.OTHER,
                        source=Source.IMPORT,
                        description=r.description,
                        location=r.location,
                        found_on=r.found_on,
                        finder_names=r.finder_names,
                        registered_by=by,
                        status=imported_status(r.deadline, r.fixed_on, r.closed_on),
                        measures=r.measures,
                        responsible_person=r.responsible_person,
                        funds_yuan=r.funds_yuan,
                        deadline=r.deadline,
                        original_deadline=r.deadline,
                        fixed_on=r.fixed_on,
                        closed_on=r.closed_on,
                        created_at=now,
                        updated_at=now,
                    )
                )
            Hazard.objects.bulk_create(hazards, batch_size=IMPORT_BATCH)
            states.write_imported(hazards)
            events = []
            for r, hazard in zip(batch, hazards, strict=True):
                note = _("从旧台账导入（第 %(line)d 行）。") % {"line": r.line}
                if hazard.status == S.CLOSED and r.level == Level.MAJOR:
                    note += _(
                        "重大隐患按历史记录导入为已销号：销号发生在本系统之外，"
                        "未经本系统县级验收，判定依据、治理方案和验收材料以原始档案为准。"
                    )
                events.append(
                    HazardEvent(
                        hazard_id=hazard.pk,
                        action="import",
                        actor=by,
                        at=now,
                        from_status="",
                        to_status=hazard.status,
                        note=note,
                        data={"line": r.line, "number": hazard.number, "row": r.row_data()},
                    )
                )
            HazardEvent.objects.bulk_create(events, batch_size=IMPORT_BATCH)
            done += len(batch)
            if progress is not None:
                progress(done, len(records))
    return done
