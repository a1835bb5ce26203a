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
