"""重大事故隐患专项检查表, generated per industry from the criteria library
(inspections.criteria_checklists): by the command, by the button on 判定标准, idempotent, repealed
items switched off, and a failed item offers its library item when the hazard is registered."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.choices import HazardLevel
from criteria.models import Criterion, Standard
from enterprises.models import Industry
from inspections import services
from inspections.criteria_checklists import generate, generate_all, template_name
from inspections.models import ChecklistItem, ChecklistTemplate
from tests.conftest import login
from tests.inspections.conftest import start_inspection

pytestmark = pytest.mark.django_db

MACHINERY = "工贸-机械重大事故隐患专项检查表"


def _items(name):
    return ChecklistItem.objects.filter(category__template__name=name)


def test_each_industry_with_in_force_items_gets_one_checklist_of_one_item_per_item():
    results = generate_all()
    names = {r.template.name for r in results}
    assert MACHINERY in names and "危险化学品重大事故隐患专项检查表" in names
    assert "非煤矿山重大事故隐患专项检查表" not in names  # 矿安〔2022〕88号 ships no items
    for result in results:
        template = result.template
        expected = Criterion.objects.in_force().for_industry(template.industry)
        items = ChecklistItem.objects.filter(category__template=template, is_active=True)
        assert items.count() == expected.count() == result.active
        assert set(items.values_list("criterion", flat=True)) == set(
            expected.values_list("pk", flat=True)
        )
        assert set(items.values_list("default_level", flat=True)) == {HazardLevel.MAJOR}


def test_an_item_carries_the_criterions_own_words_and_standard_and_clause_as_its_basis():
    generate(Industry.MACHINERY)
    item = _items(MACHINERY).get(criterion__article="第三条", criterion__item="（二）")
    assert item.text == item.criterion.text
    assert item.basis == "《工贸企业重大事故隐患判定标准》第三条第（二）项"
    assert item.category.name == "工贸企业重大事故隐患判定标准"
    assert ChecklistTemplate.objects.get(name=MACHINERY).industry == Industry.MACHINERY


def test_the_repealed_2017_items_never_reach_a_checklist():
    generate_all()
    assert not ChecklistItem.objects.filter(criterion__standard__code="GM2017").exists()


def test_generating_again_updates_in_place_and_never_duplicates():
    first = generate(Industry.MACHINERY)
    pks = sorted(_items(MACHINERY).values_list("pk", flat=True))
    second = generate(Industry.MACHINERY)
    assert first.created and not second.created
    assert second.template.pk == first.template.pk
    assert ChecklistTemplate.objects.filter(name=MACHINERY).count() == 1
    assert sorted(_items(MACHINERY).values_list("pk", flat=True)) == pks
    numbers = list(_items(MACHINERY).order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(pks) + 1))


def test_an_item_corrected_in_the_library_is_corrected_in_the_checklist():
    generate(Industry.MACHINERY)
    criterion = Criterion.objects.get(standard__code="GM10", article="第七条", item="（二）")
    criterion.text = "更正后的条文。"
    criterion.save()
    generate(Industry.MACHINERY)
    assert _items(MACHINERY).get(criterion=criterion).text == "更正后的条文。"


def test_items_of_a_standard_repealed_since_are_switched_off_not_deleted(personas, enterprise_a1):
    generate(Industry.MACHINERY)
    template = ChecklistTemplate.objects.get(name=MACHINERY)
    inspection = start_inspection(enterprise_a1, personas.inspector, template)
    gm10 = Standard.objects.get(code="GM10")
    gm10.repealed_on = datetime.date(2024, 1, 1)
    gm10.save()
    result = generate(Industry.MACHINERY)
    items = _items(MACHINERY)
    assert items.count() == 8 and not items.filter(is_active=True).exists()
    assert result.switched_off == 8 and result.active == 0
    template.refresh_from_db()
    assert not template.is_active
    # The past inspection still points at its items.
    assert inspection.items.filter(source_item__isnull=False).count() == 8


def test_a_row_added_by_hand_to_a_generated_checklist_is_switched_off():
    generate(Industry.MACHINERY)
    category = ChecklistTemplate.objects.get(name=MACHINERY).categories.get()
    ChecklistItem.objects.create(category=category, number=99, text="手工加的一项")
    result = generate(Industry.MACHINERY)
    assert result.switched_off == 1
    manual = ChecklistItem.objects.get(text="手工加的一项")
    assert not manual.is_active and manual.number == 9


def test_the_command_generates_every_industry_and_says_what_it_did(capsys):
    call_command("generate_criteria_checklists")
    call_command("generate_criteria_checklists", "--industry", "machinery")
    out = capsys.readouterr().out
    assert f"{MACHINERY}：新建" in out and f"{MACHINERY}：已更新" in out
    assert ChecklistTemplate.objects.filter(name=MACHINERY).count() == 1


def test_the_command_refuses_an_industry_the_library_has_nothing_for():
    with pytest.raises(CommandError, match="没有适用于该行业的现行条目"):
        call_command("generate_criteria_checklists", "--industry", "non_coal_mine")
    assert not ChecklistTemplate.objects.filter(name=template_name("non_coal_mine")).exists()


# --- the button on 判定标准 ---------------------------------------------------------------------

URL = "inspections:generate_criteria_checklists"


@pytest.mark.parametrize("role", ["county", "admin"])
def test_the_county_and_the_administrator_generate_from_the_criteria_page(client, personas, role):
    login(client, getattr(personas, role))
    page = client.get(reverse("criteria:list")).content.decode()
    assert "生成专项检查表" in page
    response = client.post(reverse(URL), follow=True)
    assert (
        "已生成 10 张重大事故隐患专项检查表（新建 10 张，更新 0 张）" in response.content.decode()
    )
    client.post(reverse(URL))
    assert ChecklistTemplate.objects.filter(name__endswith="重大事故隐患专项检查表").count() == 10


@pytest.mark.parametrize("role", ["inspector", "supervisor", "enterprise"])
def test_other_roles_see_no_button_and_are_refused(client, personas, role):
    login(client, getattr(personas, role))
    assert "生成专项检查表" not in client.get(reverse("criteria:list")).content.decode()
    assert client.post(reverse(URL)).status_code == 403
    assert not ChecklistTemplate.objects.filter(name=MACHINERY).exists()


def test_the_button_only_posts(client, personas):
    login(client, personas.county)
    assert client.get(reverse(URL)).status_code == 405


# --- registering a hazard from a failed item ------------------------------------------------


@pytest.fixture
def failed(personas, enterprise_a1):
    """A failed 第三条（二） item of the machinery 专项检查表, enterprise_a1 being machinery."""
    generate(Industry.MACHINERY)
    template = ChecklistTemplate.objects.get(name=MACHINERY)
    inspection = start_inspection(enterprise_a1, personas.inspector, template)
    item = inspection.items.get(source_item__criterion__article="第三条", number=2)
    services.record_result(item, by=personas.inspector, result="fail")
    item.refresh_from_db()
    return item


def test_a_failed_item_preselects_its_criterion_on_the_register_form(client, personas, failed):
    login(client, personas.inspector)
    url = reverse("inspections:create_hazard", args=[failed.inspection.pk, failed.pk])
    form = client.get(url).context["form"]
    assert form.initial["criteria"] == [failed.source_item.criterion_id]
    assert form.initial["level"] == HazardLevel.MAJOR
    page = client.get(url).content.decode()
    assert f'value="{failed.source_item.criterion_id}" selected' in page


def test_registering_it_links_the_criterion(client, personas, failed):
    login(client, personas.inspector)
    url = reverse("inspections:create_hazard", args=[failed.inspection.pk, failed.pk])
    criterion = failed.source_item.criterion
    data = {
        "level": "major",
        "category": "management",
        "subject": "management",
        "description": failed.text,
        "criteria": [criterion.pk],
    }
    assert client.post(url, data).status_code == 302
    hazard = failed.hazards.get()
    assert list(hazard.criteria.all()) == [criterion]
    assert hazard.basis_standard  # filled from the item when the form's text is empty


def test_a_general_hazard_registered_from_it_links_nothing(personas, failed):
    prefill = {**services.hazard_prefill(failed), "level": HazardLevel.GENERAL}
    hazard = services.create_hazard(failed, by=personas.inspector, **prefill)
    assert not hazard.criteria.exists()


def test_an_item_repealed_by_the_inspection_date_offers_its_replacement(personas, failed):
    old_standard = Standard.objects.create(
        code="OLD",
        title="旧标准",
        document_number="旧〔2000〕1号",
        issuer="测试",
        repealed_on=datetime.date(2001, 1, 1),
        repealed_by=Standard.objects.get(code="GM10"),
        source="测试",
        checked_on=datetime.date(2026, 11, 1),
    )
    new = failed.source_item.criterion
    old = Criterion.objects.create(
        standard=old_standard,
        item="1",
        text="旧条文。",
        source="测试",
        checked_on=datetime.date(2026, 11, 1),
        replaced_by=new,
    )
    ChecklistItem.objects.filter(pk=failed.source_item_id).update(criterion=old)
    failed.source_item.refresh_from_db()
    assert services.hazard_prefill(failed)["criteria"] == [new.pk]
