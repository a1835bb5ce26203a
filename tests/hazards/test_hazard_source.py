"""隐患来源: set at registration from who registers; 举报 given explicitly; never 导入 by hand."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hazards import workflow
from hazards.models import Hazard, Source
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db


def register(enterprise, by, **kw):
    return workflow.register(
        enterprise=enterprise,
        by=by,
        level="general",
        category="condition",
        description="消防通道堵塞",
        found_on=timezone.localdate(),
        **kw,
    )


@pytest.mark.parametrize(
    ("who", "source"),
    [("inspector", Source.TOWNSHIP), ("supervisor", Source.TOWNSHIP), ("county", Source.COUNTY)],
)
def test_the_source_follows_who_registers(personas, enterprise_a1, who, source):
    hazard = register(enterprise_a1, getattr(personas, who))
    assert hazard.source == source


def test_a_tip_off_is_registered_as_such(personas, enterprise_a1):
    hazard = register(enterprise_a1, personas.supervisor, source=Source.REPORT)
    assert hazard.source == Source.REPORT


@pytest.mark.parametrize("bad", [Source.IMPORT, "rumour"])
def test_import_or_an_unknown_source_is_refused_and_nothing_written(personas, enterprise_a1, bad):
    with pytest.raises(workflow.WorkflowError, match="请选择隐患来源"):
        register(enterprise_a1, personas.supervisor, source=bad)
    assert not Hazard.objects.exists()


def test_the_database_refuses_an_unknown_source(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hazard.objects.filter(pk=hazard.pk).update(source="rumour")


def test_a_hazard_from_the_ledger_import_says_so(personas, enterprise_a1):
    from datetime import date

    from hazards.models import Hazard, Source
    from hazards.workflow import ImportRecord, import_records

    record = ImportRecord(
        line=2, number="", uscc=enterprise_a1.uscc, enterprise_id=enterprise_a1.pk,
        cell_id=enterprise_a1.cell_id, township_id=enterprise_a1.township_id,
        industry=enterprise_a1.industry, description="灭火器过期", location="仓库",
        level="general", category="condition", found_on=date(2026, 3, 1), finder_names="张三",
        measures="", responsible_person="", funds_yuan=None, deadline=None, fixed_on=None,
        closed_on=None,
    )  # fmt: skip
    import_records([record], by=personas.county)
    assert Hazard.objects.get(description="灭火器过期").source == Source.IMPORT
