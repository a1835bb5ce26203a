import pytest
from django.urls import reverse

from criteria.admin import StandardForm, clean_industries
from criteria.models import Criterion, Standard
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_industries_are_entered_by_name_or_code_and_stored_as_codes():
    assert (
        clean_industries("工贸-机械、建材 hazchem 机械") == "machinery building_materials hazchem"
    )
    assert clean_industries("") == ""


def test_an_unknown_industry_is_refused_in_chinese():
    form = StandardForm(
        data={
            "code": "X1",
            "title": "标准",
            "document_number": "号",
            "issuer": "机关",
            "industries": "航天",
            "source": "来源",
            "checked_on": "2026-11-01",
            "position": 0,
        }
    )
    assert not form.is_valid()
    assert form.errors["industries"] == ["未知行业“航天”。"]


@pytest.mark.parametrize("model", ["standard", "criterion"])
def test_administrators_browse_the_library_in_the_admin(client, personas, model):
    login(client, personas.admin)
    assert client.get(reverse(f"admin:criteria_{model}_changelist")).status_code == 200


def test_the_admin_edits_a_standard_with_its_items(client, personas):
    login(client, personas.admin)
    standard = Standard.objects.get(code="GM10")
    assert (
        client.get(reverse("admin:criteria_standard_change", args=[standard.pk])).status_code == 200
    )


def test_nobody_deletes_a_standard_or_an_item_in_the_admin(client, personas):
    login(client, personas.admin)
    standard = Standard.objects.get(code="GM10")
    item = Criterion.objects.filter(standard=standard).first()
    assert (
        client.get(reverse("admin:criteria_standard_delete", args=[standard.pk])).status_code == 403
    )
    assert client.get(reverse("admin:criteria_criterion_delete", args=[item.pk])).status_code == 403


@pytest.mark.parametrize("who", ["inspector", "supervisor", "county"])
def test_other_roles_do_not_reach_the_admin(client, personas, who):
    login(client, getattr(personas, who))
    response = client.get(reverse("admin:criteria_standard_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
