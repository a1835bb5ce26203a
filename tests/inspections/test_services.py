import datetime

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from hazards.models import Hazard, HazardPhoto
from inspections import services
from inspections.models import ChecklistItem, Inspection, InspectionItem
from tests.factories import today
from tests.inspections.conftest import answer_all, jpeg, start_inspection


def test_starting_copies_every_active_item_in_order(personas, enterprise_a1, checklist):
    ChecklistItem.objects.filter(text="定期组织隐患排查").update(is_active=False)
    inspection = start_inspection(enterprise_a1, personas.inspector, checklist)
    codes = [i.code for i in inspection.items.all()]
    assert codes == ["1.1", "2.1", "2.2"]
    first = inspection.items.get(position=1)
    assert first.category_name == "安全管理"
    assert first.basis == "《安全生产法》第二十二条"
    assert inspection.cell_id == enterprise_a1.cell_id
    assert inspection.township_id == enterprise_a1.township_id
    assert inspection.status == Inspection.Status.DRAFT


def test_the_snapshot_survives_renaming_and_deleting_template_items(inspection, checklist):
    before = [(i.code, i.text, i.basis) for i in inspection.items.all()]
    item = ChecklistItem.objects.get(category__template=checklist, text="建立全员安全生产责任制")
    item.text = "改名后的检查项"
    item.basis = "新依据"
    item.save()
    ChecklistItem.objects.get(text="配电箱设置漏电保护装置").delete()
    checklist.categories.filter(number=1).update(name="改名后的类别")
    inspection.refresh_from_db()
    after = [(i.code, i.text, i.basis) for i in inspection.items.all()]
    assert after == before
    assert inspection.items.get(position=1).category_name == "安全管理"
    assert inspection.items.count() == 4


def test_inspector_count_is_the_number_of_inspectors(personas, enterprise_a1, checklist):
    inspection = start_inspection(
        enterprise_a1,
        personas.inspector,
        checklist,
        inspectors=[personas.inspector, personas.inspector2, personas.inspector],
    )
    assert inspection.inspector_count == 2
    assert set(inspection.inspectors.all()) == {personas.inspector, personas.inspector2}


def test_an_enforcement_inspection_needs_two_inspectors(personas, enterprise_a1, checklist):
    with pytest.raises(services.InspectionError, match="两名及以上"):
        start_inspection(enterprise_a1, personas.inspector, checklist, is_enforcement=True)
    assert not Inspection.objects.exists()
    ok = start_inspection(
        enterprise_a1,
        personas.inspector,
        checklist,
        inspectors=[personas.inspector, personas.supervisor],
        is_enforcement=True,
    )
    assert ok.is_enforcement and ok.inspector_count == 2


def test_the_database_refuses_an_enforcement_inspection_with_one_inspector(inspection):
    with (
        pytest.raises(IntegrityError, match="inspection_enforcement_needs_two"),
        transaction.atomic(),
    ):
        Inspection.objects.filter(pk=inspection.pk).update(is_enforcement=True, inspector_count=1)


def test_an_inspector_from_another_township_cannot_join_the_group(
    personas, enterprise_a1, checklist
):
    with pytest.raises(services.InspectionError, match="不负责"):
        start_inspection(
            enterprise_a1,
            personas.inspector,
            checklist,
            inspectors=[personas.inspector, personas.other_inspector],
        )
    assert not Inspection.objects.exists()


def test_an_inspection_cannot_be_dated_after_today(personas, enterprise_a1, checklist):
    with pytest.raises(services.InspectionError, match="不能晚于今天"):
        start_inspection(
            enterprise_a1,
            personas.inspector,
            checklist,
            on=today() + datetime.timedelta(days=1),
        )


def test_an_enterprise_out_of_scope_cannot_be_inspected(personas, enterprise_b, checklist):
    with pytest.raises(Http404, match="not found"):
        start_inspection(enterprise_b, personas.inspector, checklist)


def test_results_are_saved_as_you_go_and_the_photo_is_processed(personas, inspection):
    item = inspection.items.get(position=3)
    services.record_result(
        item, by=personas.inspector, result="fail", note="漏电保护器失灵", photo=jpeg()
    )
    item.refresh_from_db()
    assert item.result == "fail" and item.note == "漏电保护器失灵"
    assert item.photo.name.endswith(".jpg") and item.photo.name.startswith("inspections/")
    assert services.progress(inspection) == (1, 4)


def test_a_bad_photo_is_refused_and_changes_nothing(personas, inspection):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = inspection.items.get(position=1)
    with pytest.raises(services.InspectionError, match="不是有效的图片"):
        services.record_result(
            item,
            by=personas.inspector,
            result="fail",
            photo=SimpleUploadedFile("x.jpg", b"not an image"),
        )
    item.refresh_from_db()
    assert item.result == "pending" and not item.photo


def test_submitting_needs_every_item_answered(personas, inspection):
    services.record_result(inspection.items.first(), by=personas.inspector, result="pass")
    with pytest.raises(services.InspectionError, match="还有 3 项未填写"):
        services.submit(inspection, by=personas.inspector, representative="张三")
    inspection.refresh_from_db()
    assert inspection.status == "draft"


def test_submitting_needs_a_signature_or_a_refusal_note(personas, inspection):
    answer_all(inspection, personas.inspector)
    with pytest.raises(services.InspectionError, match="签字"):
        services.submit(inspection, by=personas.inspector)
    with pytest.raises(services.InspectionError, match="拒签说明"):
        services.submit(inspection, by=personas.inspector, refused=True)
    services.submit(inspection, by=personas.inspector, refused=True, refusal_note="负责人外出")
    assert inspection.status == "submitted" and inspection.submitted_at is not None
    assert inspection.representative_refused


def test_a_submitted_inspection_is_locked(personas, inspection):
    answer_all(inspection, personas.inspector)
    services.submit(inspection, by=personas.inspector, representative="张三")
    item = inspection.items.first()
    item.inspection = inspection
    with pytest.raises(services.InspectionError, match="已提交，不能再修改"):
        services.record_result(item, by=personas.inspector, result="fail")
    with pytest.raises(services.InspectionError, match="不能重复提交"):
        services.submit(inspection, by=personas.inspector, representative="李四")
    item.refresh_from_db()
    assert item.result == "pass"


def test_an_edit_racing_the_submit_is_refused(personas, inspection):
    """The item's inspection was read as draft, then someone else submitted it."""
    answer_all(inspection, personas.inspector)
    stale = InspectionItem.objects.select_related("inspection").get(
        inspection=inspection, position=1
    )
    services.submit(inspection, by=personas.inspector2, representative="张三")
    assert stale.inspection.status == "draft"
    with pytest.raises(services.InspectionError, match="已提交"):
        services.record_result(stale, by=personas.inspector, result="fail")
    stale.refresh_from_db()
    assert stale.result == "pass"


def _fail(inspection, by, position, note="", photo=None):
    item = inspection.items.get(position=position)
    services.record_result(item, by=by, result="fail", note=note, photo=photo)
    item.refresh_from_db()
    return item


def test_a_failed_item_creates_exactly_one_linked_prefilled_hazard(personas, inspection):
    inspection.inspectors.add(personas.inspector2)
    item = _fail(inspection, personas.inspector, 3, note="配电箱无漏电保护", photo=jpeg())
    prefill = services.hazard_prefill(item)
    assert prefill["level"] == "general"
    assert prefill["category"] == "condition"
    assert prefill["subject"] == "electrical"
    assert "配电箱设置漏电保护装置" in prefill["description"]
    assert "配电箱无漏电保护" in prefill["description"]
    hazard = services.create_hazard(item, by=personas.inspector, **prefill)
    assert hazard.inspection == inspection
    assert hazard.inspection_item == item
    assert hazard.checklist_item == item.source_item
    assert hazard.found_on == inspection.date
    assert hazard.status == "found"
    assert set(hazard.finders.all()) == {personas.inspector, personas.inspector2}
    assert hazard.photos.filter(kind=HazardPhoto.Kind.BEFORE).count() == 1
    with pytest.raises(services.InspectionError, match="不能重复登记"):
        services.create_hazard(item, by=personas.inspector, **prefill)
    assert Hazard.objects.filter(inspection_item=item).count() == 1


def test_a_major_item_is_prefilled_with_its_basis(personas, inspection):
    item = _fail(inspection, personas.inspector, 4)
    prefill = services.hazard_prefill(item)
    assert prefill["level"] == "major"
    assert prefill["basis_standard"] == "《工贸企业重大事故隐患判定标准》"
    assert prefill["basis_clause"] == "第十三条第（二）项"
    assert prefill["subject"] == "confined_space"
    hazard = services.create_hazard(item, by=personas.inspector, **prefill)
    assert hazard.level == "major" and hazard.basis_clause == "第十三条第（二）项"


def test_a_management_item_becomes_a_management_defect(personas, inspection):
    item = _fail(inspection, personas.inspector, 1)
    prefill = services.hazard_prefill(item)
    assert prefill["category"] == "management"
    assert prefill["subject"] == "management"


def test_passed_and_not_applicable_items_create_nothing(personas, inspection):
    answer_all(inspection, personas.inspector, result="na", overrides={1: "pass"})
    for item in inspection.items.all():
        with pytest.raises(services.InspectionError, match="不合格"):
            services.create_hazard(item, by=personas.inspector, **services.hazard_prefill(item))
    assert not Hazard.objects.exists()


def test_a_hazard_can_be_registered_after_submission(personas, inspection):
    answer_all(inspection, personas.inspector, overrides={2: "fail"})
    services.submit(inspection, by=personas.inspector, representative="张三")
    item = inspection.items.get(position=2)
    hazard = services.create_hazard(item, by=personas.supervisor, **services.hazard_prefill(item))
    assert hazard.inspection_item == item


def test_an_item_with_a_hazard_cannot_be_turned_to_passed(personas, inspection):
    item = _fail(inspection, personas.inspector, 2)
    services.create_hazard(item, by=personas.inspector, **services.hazard_prefill(item))
    with pytest.raises(services.InspectionError, match="已登记隐患"):
        services.record_result(item, by=personas.inspector, result="pass")
    item.refresh_from_db()
    assert item.result == "fail"


def test_an_administrator_cannot_record_inspections(personas, enterprise_a1, checklist):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="^$"):  # the role check's bare refusal
        start_inspection(enterprise_a1, personas.admin, checklist, inspectors=[personas.inspector])


def test_a_fine_cannot_be_negative_and_links_must_match_the_enterprise(
    personas, inspection, enterprise_a2
):
    from decimal import Decimal

    with pytest.raises(services.InspectionError, match="负数"):
        services.record_enforcement(
            by=personas.supervisor,
            kind="case",
            enterprise=enterprise_a2,
            on=today(),
            fine_yuan=Decimal("-1"),
        )
    with pytest.raises(services.InspectionError, match="不属于该企业"):
        services.record_enforcement(
            by=personas.supervisor,
            kind="talk",
            enterprise=enterprise_a2,
            on=today(),
            inspection=inspection,
        )
    with pytest.raises(services.InspectionError, match="文书种类"):
        services.record_enforcement(
            by=personas.supervisor, kind="document", enterprise=enterprise_a2, on=today()
        )
    action = services.record_enforcement(
        by=personas.supervisor,
        kind="document",
        document_kind="rectify_order",
        document_number="（甲）安监责改〔2026〕1号",
        enterprise=inspection.enterprise,
        on=today(),
        inspection=inspection,
        fine_yuan=Decimal("5000"),
    )
    assert action.township_id == inspection.township_id
