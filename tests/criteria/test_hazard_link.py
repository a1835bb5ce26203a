"""A hazard is judged major by items of the criteria library, linked, not typed: registering
and amending record them, the county closes a major hazard out only with one, a repealed
item is refused naming the item that replaced it, and a 一般 hazard whose text matches an
item's keywords is hinted "可能构成重大事故隐患" for the inspector to confirm or dismiss."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria.models import Criterion, Standard
from hazards import workflow
from hazards.models import Hazard, HazardEvent, Status
from tests.conftest import login
from tests.factories import make_criterion, make_hazard, make_standard, processed_photo

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def items(db):
    """A 2023-like standard in force for machinery and a 2017-like one it repealed, one
    item of the old mapped to the new."""
    new = make_standard("NEW23", title="新判定标准", industries="machinery")
    old = make_standard(
        "OLD17",
        title="旧判定标准",
        industries="machinery",
        repealed_on=D(2023, 5, 15),
        repealed_by=new,
    )
    current = make_criterion(new, "（一）", text="新条文一。", keywords="测试隐患甲 测试情形乙")
    other = make_criterion(new, "（二）", text="新条文二。")
    mapped = make_criterion(old, "（一）", text="旧条文一。", replaced_by=current)
    unmapped = make_criterion(old, "（九）", text="旧条文九。")
    return {"current": current, "other": other, "mapped": mapped, "unmapped": unmapped}


def _register_major(enterprise, by, state="found", **kw):
    return make_hazard(enterprise, by, state, level="major", **kw)


# --- registering and amending ----------------------------------------------------------------


def test_a_major_hazard_registered_with_an_item_links_it_and_its_event_names_it(
    personas, enterprise_a1, items
):
    hazard = _register_major(enterprise_a1, personas.inspector, criteria=[items["current"]])
    assert list(hazard.criteria.all()) == [items["current"]]
    event = hazard.events.get(action="register")
    assert event.data["criteria"] == [items["current"].pk]


def test_an_item_alone_gives_a_major_hazard_its_basis_text(personas, enterprise_a1, items):
    hazard = workflow.register(
        enterprise=enterprise_a1,
        by=personas.inspector,
        level="major",
        category="condition",
        description="承包单位未统一协调管理",
        found_on=timezone.localdate(),
        criteria=[items["current"]],
    )
    assert hazard.basis_standard == str(items["current"].standard)
    assert hazard.basis_clause.startswith("第三条第（一）项：新条文一")


def test_a_repealed_item_is_refused_for_a_new_hazard_naming_the_item_that_replaced_it(
    personas, enterprise_a1, items
):
    with pytest.raises(workflow.WorkflowError) as exc:
        _register_major(enterprise_a1, personas.inspector, criteria=[items["mapped"]])
    assert "旧判定标准 第三条第（一）项 已于 2023-05-15 废止" in exc.value.message
    assert "请改选替代它的 新判定标准 第三条第（一）项" in exc.value.message
    assert not Hazard.objects.exists()


def test_a_repealed_item_without_an_equivalent_names_the_standard_that_replaced_it(
    personas, enterprise_a1, items
):
    with pytest.raises(workflow.WorkflowError, match="请在替代它的 《新判定标准》"):
        _register_major(enterprise_a1, personas.inspector, criteria=[items["unmapped"]])
    assert not Hazard.objects.exists()


def test_a_hazard_found_before_the_repeal_may_cite_the_old_item(personas, enterprise_a1, items):
    found = D(2023, 5, 1)
    at = timezone.make_aware(datetime.datetime(2023, 5, 2, 10))
    hazard = _register_major(
        enterprise_a1, personas.inspector, criteria=[items["mapped"]], found_on=found, at=at
    )
    assert list(hazard.criteria.all()) == [items["mapped"]]


def test_amend_records_the_items_before_and_after(personas, enterprise_a1, items):
    hazard = _register_major(enterprise_a1, personas.inspector, criteria=[items["current"]])
    event = workflow.amend(
        hazard,
        by=personas.supervisor,
        note="补选条款",
        criteria=[items["current"], items["other"]],
    )
    assert set(hazard.criteria.all()) == {items["current"], items["other"]}
    assert event.data["before"] == {"criteria": [items["current"].pk]}
    assert event.data["after"] == {"criteria": sorted([items["current"].pk, items["other"].pk])}


def test_amend_with_the_same_items_is_nothing_to_correct(personas, enterprise_a1, items):
    hazard = _register_major(enterprise_a1, personas.inspector, criteria=[items["current"]])
    with pytest.raises(workflow.WorkflowError, match="没有需要更正的内容"):
        workflow.amend(hazard, by=personas.supervisor, note="无", criteria=[items["current"]])


def test_amend_refuses_a_newly_chosen_repealed_item_and_changes_nothing(
    personas, enterprise_a1, items
):
    hazard = _register_major(enterprise_a1, personas.inspector, criteria=[items["current"]])
    events = hazard.events.count()
    with pytest.raises(workflow.WorkflowError, match="请改选替代它的 新判定标准"):
        workflow.amend(hazard, by=personas.supervisor, note="改选", criteria=[items["mapped"]])
    assert list(hazard.criteria.all()) == [items["current"]]
    assert hazard.events.count() == events


# --- close-out -------------------------------------------------------------------------------


def test_the_county_closes_a_major_hazard_out_on_a_library_item(personas, enterprise_a1, items):
    hazard = _register_major(
        enterprise_a1, personas.inspector, "fixed", criteria=[items["current"]]
    )
    assert "close_out" in workflow.available_actions(hazard, personas.county)
    workflow.close_out(
        hazard,
        by=personas.county,
        acceptance_note="复查合格",
        evidence_photos=[processed_photo()],
    )
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED


def test_the_county_is_refused_a_major_close_out_without_a_library_item(personas, enterprise_a1):
    hazard = _register_major(enterprise_a1, personas.inspector, "fixed", criteria=())
    assert hazard.basis_standard  # typed text is not enough
    assert "close_out" not in workflow.available_actions(hazard, personas.county)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.close_out(hazard, by=personas.county, acceptance_note="复查合格")
    assert "重大隐患销号须有判定标准库中的判定依据条款" in exc.value.message
    assert "更正隐患信息" in exc.value.message
    hazard.refresh_from_db()
    assert hazard.status == Status.FIXED


def test_a_general_hazard_closes_without_a_library_item(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    workflow.close_out(hazard, by=personas.supervisor, acceptance_note="复查合格")
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED


def test_the_hazard_page_tells_the_county_to_pick_an_item_before_close_out(
    client, personas, enterprise_a1
):
    hazard = _register_major(enterprise_a1, personas.inspector, "fixed", criteria=())
    html = login(client, personas.county).get(reverse("hazards:detail", args=[hazard.pk]))
    assert "未选择判定标准库条款" in html.content.decode()


# --- 2017 items resolve to their 2023 equivalents -----------------------------------------------


def test_a_repealed_item_resolves_to_the_item_that_replaced_it(items):
    assert items["mapped"].current() == items["current"]
    assert items["unmapped"].current() is None
    assert items["current"].current() == items["current"]
    assert items["mapped"].current(on=D(2023, 1, 1)) == items["mapped"]


def test_every_shipped_repealed_item_resolves_to_an_in_force_one_or_its_standard_does():
    """The 2017 工贸 items ship mapped only where the 2023 text clearly covers the same hazard
    (docs/criteria.md). A mapped item resolves to an in-force item; an unmapped one resolves
    to nothing, and the refusal then names the standard that replaced it, which is in force."""
    repealed = Criterion.objects.filter(standard__repealed_on__lte=timezone.localdate())
    assert repealed.exists()
    for item in repealed.filter(replaced_by__isnull=False):
        assert item.current() is not None and not item.current().is_repealed(), item
    for item in repealed.filter(replaced_by__isnull=True):
        assert item.current() is None
        assert item.standard.repealed_by is not None, item
    for standard in Standard.objects.filter(repealed_by__isnull=False):
        assert not standard.repealed_by.is_repealed(), standard


# --- hints: 可能构成重大事故隐患 -----------------------------------------------------------------


def _hinted(enterprise, by, items):
    return make_hazard(enterprise, by, description="现场发现测试隐患甲")


def test_a_general_hazard_whose_text_matches_an_items_keywords_is_hinted(
    personas, enterprise_a1, items
):
    hazard = _hinted(enterprise_a1, personas.inspector, items)
    assert workflow.major_hints(hazard) == [items["current"]]
    assert "answer_major_hint" in workflow.available_actions(hazard, personas.inspector)


def test_a_major_hazard_or_an_unmatched_one_is_not_hinted(personas, enterprise_a1, items):
    major = _register_major(
        enterprise_a1,
        personas.inspector,
        description="现场发现测试隐患甲",
        criteria=[items["current"]],
    )
    plain = make_hazard(enterprise_a1, personas.inspector, description="墙面裂缝")
    assert workflow.major_hints(major) == []
    assert workflow.major_hints(plain) == []
    with pytest.raises(workflow.WorkflowError, match="没有待核对的重大隐患提示"):
        workflow.answer_major_hint(
            plain, by=personas.inspector, criterion=items["current"], decision="confirm"
        )


def test_the_inspector_confirms_a_hint_and_the_event_records_the_item(
    personas, enterprise_a1, items
):
    hazard = _hinted(enterprise_a1, personas.inspector, items)
    event = workflow.answer_major_hint(
        hazard, by=personas.inspector, criterion=items["current"], decision="confirm"
    )
    assert (event.action, event.actor) == ("answer_major_hint", personas.inspector)
    assert event.data["criterion"] == items["current"].pk
    assert event.data["decision"] == "confirm"
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert workflow.major_hints(hazard) == []
    assert hazard.level == "general"  # no action changes the level


def test_dismissing_a_hint_needs_a_reason_and_writes_nothing_without(
    personas, enterprise_a1, items
):
    hazard = _hinted(enterprise_a1, personas.inspector, items)
    events = hazard.events.count()
    with pytest.raises(workflow.WorkflowError, match="忽略提示须写明理由"):
        workflow.answer_major_hint(
            hazard, by=personas.supervisor, criterion=items["current"], decision="dismiss"
        )
    assert hazard.events.count() == events
    workflow.answer_major_hint(
        hazard,
        by=personas.supervisor,
        criterion=items["current"],
        decision="dismiss",
        note="不属于该条情形",
    )
    assert hazard.events.count() == events + 1


def test_the_enterprise_and_the_admin_may_not_answer_a_hint(personas, enterprise_a1, items):
    hazard = _hinted(enterprise_a1, personas.inspector, items)
    for user in (personas.enterprise, personas.admin):
        with pytest.raises(workflow.NotAllowed):
            workflow.answer_major_hint(
                hazard, by=user, criterion=items["current"], decision="confirm"
            )
    assert not HazardEvent.objects.filter(action="answer_major_hint").exists()


def test_the_hazard_page_shows_the_hint_to_the_inspector_only_while_open(
    client, personas, enterprise_a1, items
):
    hazard = _hinted(enterprise_a1, personas.inspector, items)
    url = reverse("hazards:detail", args=[hazard.pk])
    html = login(client, personas.inspector).get(url).content.decode()
    assert "可能构成重大事故隐患：新判定标准 第三条第（一）项" in html
    assert "核对重大隐患提示" in html
    enterprise_html = login(client, personas.enterprise).get(url).content.decode()
    assert "可能构成重大事故隐患" not in enterprise_html

    response = login(client, personas.inspector).post(
        reverse("hazards:answer_major_hint", args=[hazard.pk]),
        {"criterion": items["current"].pk, "decision": "confirm", "note": ""},
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "可能构成重大事故隐患：" not in html
    assert "核对结果：确认可能构成重大隐患；提示的判定条款：新判定标准 第三条第（一）项" in html
    assert "已确认可能构成重大事故隐患（新判定标准 第三条第（一）项）" in html


def test_posting_a_hint_answer_for_an_item_not_hinted_is_refused(
    client, personas, enterprise_a1, items
):
    hazard = _hinted(enterprise_a1, personas.inspector, items)
    response = login(client, personas.inspector).post(
        reverse("hazards:answer_major_hint", args=[hazard.pk]),
        {"criterion": items["other"].pk, "decision": "confirm"},
    )
    assert response.status_code == 400
    assert "所选判定条目不在该隐患的提示中" in response.content.decode()
    assert not HazardEvent.objects.filter(action="answer_major_hint").exists()


# --- the pages ---------------------------------------------------------------------------------


def _register_data(**extra):
    data = {
        "level": "major",
        "category": "condition",
        "subject": "other",
        "description": "承包单位未统一协调管理",
        "found_on": timezone.localdate().isoformat(),
    }
    data.update(extra)
    return data


def test_the_register_page_links_the_chosen_item(client, personas, enterprise_a1, items):
    url = f"{reverse('hazards:register')}?enterprise={enterprise_a1.pk}"
    page = login(client, personas.inspector).get(url).content.decode()
    assert 'data-criteria-field="id_criteria"' in page
    assert page.index("本行业适用") < page.index("已废止（不能新选）")
    response = client.post(url, _register_data(criteria=[items["current"].pk]))
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert list(hazard.criteria.all()) == [items["current"]]
    assert hazard.basis_standard  # filled from the item


def test_the_register_page_refuses_a_repealed_item_and_offers_its_successor(
    client, personas, enterprise_a1, items
):
    url = f"{reverse('hazards:register')}?enterprise={enterprise_a1.pk}"
    response = login(client, personas.inspector).post(
        url, _register_data(criteria=[items["mapped"].pk])
    )
    assert response.status_code == 400
    assert "请改选替代它的 新判定标准 第三条第（一）项" in response.content.decode()
    assert not Hazard.objects.exists()


def test_the_amend_form_records_the_chosen_items(client, personas, enterprise_a1, items):
    hazard = _register_major(enterprise_a1, personas.inspector, criteria=())
    login(client, personas.supervisor)
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'data-criteria-field="id_amend_criteria"' in page
    data = {
        name: value if value is not None else ""
        for name, value in {f: getattr(hazard, f) for f in workflow.AMENDABLE}.items()
    }
    data.update(criteria=[items["current"].pk, items["other"].pk], note="补选判定依据条款")
    response = client.post(reverse("hazards:amend", args=[hazard.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(hazard.criteria.all()) == {items["current"], items["other"]}
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "新判定标准 第三条第（二）项" in page
    # The history names the items before and after, not their ids.
    assert "判定依据条款：— → 新判定标准 第三条第（一）项；新判定标准 第三条第（二）项" in page


def test_the_amend_form_of_a_general_hazard_has_no_criteria_field(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    page = login(client, personas.supervisor).get(reverse("hazards:detail", args=[hazard.pk]))
    body = page.content.decode()
    assert "id_amend_description" in body
    assert "id_amend_criteria" not in body
    data = {f: getattr(hazard, f) or "" for f in workflow.AMENDABLE}
    data.update(location="二号车间", note="部位有误")
    response = client.post(reverse("hazards:amend", args=[hazard.pk]), data)
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.location == "二号车间"
