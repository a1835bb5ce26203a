"""隐患来源 on the pages: the register form offers the user's own source or 举报, the hazard
page and the ledger export show it; an enterprise account has no choice (企业自查)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hazards.models import Hazard, Source
from tests.conftest import login
from tests.factories import jpeg_upload, make_hazard

pytestmark = pytest.mark.django_db
URL = reverse("hazards:register")


def form_data(**extra):
    return {
        "level": "general",
        "category": "condition",
        "subject": "fire",
        "description": "消防通道堵塞",
        "location": "仓库",
        "found_on": timezone.localdate().isoformat(),
        "photos": [jpeg_upload("a.jpg")],
        **extra,
    }


def offered(response):
    field = response.context["form"].fields.get("source")
    return None if field is None else [value for value, _label in field.choices]


@pytest.mark.parametrize(
    ("who", "sources"),
    [
        ("inspector", [Source.TOWNSHIP, Source.REPORT]),
        ("supervisor", [Source.TOWNSHIP, Source.REPORT]),
        ("county", [Source.COUNTY, Source.REPORT]),
    ],
)
def test_staff_choose_their_own_source_or_a_tip_off(client, personas, enterprise_a1, who, sources):
    response = login(client, getattr(personas, who)).get(URL, {"enterprise": enterprise_a1.pk})
    assert offered(response) == sources
    assert response.context["form"].fields["source"].initial == sources[0]
    assert "隐患来源" in response.content.decode()


def test_an_enterprise_account_has_no_choice_and_registers_its_own_finding(
    client, personas, enterprise_a1
):
    login(client, personas.enterprise)
    response = client.get(URL, {"enterprise": enterprise_a1.pk})
    assert offered(response) is None
    response = client.post(f"{URL}?enterprise={enterprise_a1.pk}", form_data(source="report"))
    assert response.status_code == 302
    assert Hazard.objects.get().source == Source.SELF


def test_a_tip_off_registered_by_a_township_inspector_says_举报(client, personas, enterprise_a1):
    login(client, personas.inspector)
    response = client.post(f"{URL}?enterprise={enterprise_a1.pk}", form_data(source="report"))
    assert response.status_code == 302
    assert Hazard.objects.get().source == Source.REPORT


def test_without_a_choice_the_source_is_the_registering_role(client, personas, enterprise_a1):
    login(client, personas.county)
    client.post(f"{URL}?enterprise={enterprise_a1.pk}", form_data())
    assert Hazard.objects.get().source == Source.COUNTY


@pytest.mark.parametrize("bad", [Source.COUNTY, Source.IMPORT, Source.SELF, "rumour"])
def test_a_source_not_offered_is_refused_in_chinese_and_nothing_written(
    client, personas, enterprise_a1, bad
):
    login(client, personas.inspector)
    response = client.post(f"{URL}?enterprise={enterprise_a1.pk}", form_data(source=bad))
    assert response.status_code == 400
    assert "请选择隐患来源" in response.content.decode()
    assert not Hazard.objects.exists()


def test_the_hazard_page_shows_the_source(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    Hazard.objects.filter(pk=hazard.pk).update(source=Source.REPORT)
    body = login(client, personas.supervisor).get(reverse("hazards:detail", args=[hazard.pk]))
    text = body.content.decode()
    assert "隐患来源" in text and "举报" in text


def test_the_ledger_export_carries_the_source(personas, enterprise_a1):
    from reports.exporters import build_exporter

    hazard = make_hazard(enterprise_a1, personas.inspector)
    Hazard.objects.filter(pk=hazard.pk).update(source=Source.SELF)
    out = io.BytesIO()
    build_exporter("ledger", personas.county, {}).write(out)
    ws = load_workbook(io.BytesIO(out.getvalue()))["隐患台账"]
    header = [c.value for c in ws[2]]
    row = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert row["隐患编号"] == hazard.number
    assert row["隐患来源"] == "企业自查"
