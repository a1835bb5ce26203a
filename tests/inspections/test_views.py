import datetime

import pytest
from django.urls import reverse

from hazards import workflow
from hazards.photos import process_upload
from inspections import services
from inspections.models import EnforcementAction, Inspection
from tests.conftest import login
from tests.factories import EnterpriseFactory, make_hazard, today
from tests.inspections.conftest import answer_all, jpeg, start_inspection


def _urls_with_ids(inspection, item, action, hazard):
    pk = inspection.pk
    return {
        "get": [
            reverse("inspections:detail", args=[pk]),
            reverse("inspections:print", args=[pk]),
            reverse("inspections:create_hazard", args=[pk, item.pk]),
            reverse("inspections:item_photo", args=[pk, item.pk]),
            reverse("inspections:enforcement_detail", args=[action.pk]),
        ],
        "post": [
            reverse("inspections:item_update", args=[pk, item.pk]),
            reverse("inspections:submit", args=[pk]),
            reverse("inspections:create_hazard", args=[pk, item.pk]),
            reverse("inspections:recheck_close", args=[pk, hazard.pk]),
            reverse("inspections:recheck_reject", args=[pk, hazard.pk]),
        ],
    }


@pytest.fixture
def world(personas, enterprise_a1, checklist):
    inspection = start_inspection(enterprise_a1, personas.inspector, checklist, kind="recheck")
    item = inspection.items.get(position=3)
    services.record_result(item, by=personas.inspector, result="fail", photo=jpeg())
    item.refresh_from_db()
    hazard = services.create_hazard(item, by=personas.inspector, **services.hazard_prefill(item))
    action = services.record_enforcement(
        by=personas.supervisor, kind="talk", enterprise=enterprise_a1, on=today()
    )
    return inspection, item, action, hazard


def test_every_url_with_an_id_answers_404_to_another_township(client, personas, world):
    urls = _urls_with_ids(*world)
    for user in (personas.other_inspector, personas.other_supervisor):
        login(client, user)
        for url in urls["get"]:
            assert client.get(url).status_code == 404, url
        for url in urls["post"]:
            assert client.post(url, {"result": "pass"}).status_code == 404, url
    assert Inspection.objects.get(pk=world[0].pk).status == "draft"


def test_start_needs_an_enterprise_in_scope(client, personas, enterprise_b):
    login(client, personas.inspector)
    url = reverse("inspections:start")
    assert client.get(url + f"?enterprise={enterprise_b.pk}").status_code == 404
    assert client.get(url).status_code == 404


def test_an_administrator_sees_inspections_but_cannot_record_them(
    client, personas, world, enterprise_a1
):
    inspection, item, _, _ = world
    login(client, personas.admin)
    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 200
    start = reverse("inspections:start") + f"?enterprise={enterprise_a1.pk}"
    assert client.get(start).status_code == 403
    update = reverse("inspections:item_update", args=[inspection.pk, item.pk])
    assert client.post(update, {"result": "pass"}).status_code == 403
    assert client.get(reverse("inspections:enforcement_create")).status_code == 403


@pytest.mark.parametrize("who", ["inspector", "supervisor", "county", "admin"])
def test_each_role_in_scope_sees_the_list_detail_and_print(client, personas, world, who):
    inspection = world[0]
    login(client, getattr(personas, who))
    for url in (
        reverse("inspections:list"),
        reverse("inspections:detail", args=[inspection.pk]),
        reverse("inspections:print", args=[inspection.pk]),
        reverse("inspections:enforcement_list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "东村机械厂" in response.content.decode()


def test_the_list_of_another_township_does_not_show_the_inspection(client, personas, world):
    login(client, personas.other_supervisor)
    body = client.get(reverse("inspections:list")).content.decode()
    assert "东村机械厂" not in body


def test_an_inspector_starts_an_inspection_from_the_form(
    client, personas, enterprise_a1, checklist
):
    login(client, personas.inspector)
    url = reverse("inspections:start") + f"?enterprise={enterprise_a1.pk}"
    page = client.get(url).content.decode()
    assert "inspector2_a1" in page or personas.inspector2.get_full_name() in page
    assert personas.other_inspector.get_full_name() not in page
    response = client.post(
        url,
        {
            "enterprise": enterprise_a1.pk,
            "kind": "routine",
            "template": checklist.pk,
            "inspectors": [personas.inspector.pk, personas.inspector2.pk],
            "date": today().isoformat(),
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("inspections:detail", args=[inspection.pk])
    assert inspection.inspector_count == 2 and inspection.items.count() == 4


def test_the_form_refuses_an_enforcement_inspection_with_one_inspector(
    client, personas, enterprise_a1, checklist
):
    login(client, personas.inspector)
    url = reverse("inspections:start") + f"?enterprise={enterprise_a1.pk}"
    response = client.post(
        url,
        {
            "enterprise": enterprise_a1.pk,
            "kind": "special",
            "is_enforcement": "on",
            "template": checklist.pk,
            "inspectors": [personas.inspector.pk],
            "date": today().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "执法检查须有两名及以上执法人员" in response.content.decode()
    assert not Inspection.objects.exists()


def test_the_form_refuses_a_date_after_today(client, personas, enterprise_a1, checklist):
    login(client, personas.inspector)
    url = reverse("inspections:start") + f"?enterprise={enterprise_a1.pk}"
    response = client.post(
        url,
        {
            "enterprise": enterprise_a1.pk,
            "kind": "routine",
            "template": checklist.pk,
            "inspectors": [personas.inspector.pk],
            "date": (today() + datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert "检查日期不能晚于今天" in response.content.decode()
    assert not Inspection.objects.exists()


def test_a_scripted_item_save_answers_json_without_the_inputs(client, personas, inspection):
    login(client, personas.inspector)
    item = inspection.items.get(position=1)
    response = client.post(
        reverse("inspections:item_update", args=[inspection.pk, item.pk]),
        {"result": "pass", "note": "责任书齐全"},
        HTTP_ACCEPT="application/json",
    )
    answer = response.json()
    assert response.status_code == 200
    assert answer["ok"] and answer["result"] == "pass"
    assert answer["progress"] == "已填 1 / 4"
    # Only the parts that are not inputs come back: what the user is typing stays put.
    assert 'name="note"' not in answer["extras"] + answer["hazard"]
    item.refresh_from_db()
    assert item.result == "pass" and item.note == "责任书齐全"


def test_a_failed_item_save_answers_the_hazard_link(client, personas, inspection):
    login(client, personas.inspector)
    item = inspection.items.get(position=2)
    answer = client.post(
        reverse("inspections:item_update", args=[inspection.pk, item.pk]),
        {"result": "fail", "photo": jpeg()},
        HTTP_ACCEPT="application/json",
    ).json()
    assert "登记为隐患" in answer["hazard"]
    assert "现场照片" in answer["extras"]


def test_an_item_post_without_javascript_redirects_to_the_item(client, personas, inspection):
    login(client, personas.inspector)
    item = inspection.items.get(position=2)
    response = client.post(
        reverse("inspections:item_update", args=[inspection.pk, item.pk]),
        {"result": "fail", "note": "未开展排查", "photo": jpeg()},
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert item.result == "fail" and item.photo
    photo = client.get(reverse("inspections:item_photo", args=[inspection.pk, item.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo["Cache-Control"].startswith("private")  # never kept by a shared proxy


def test_an_item_post_without_a_result_gets_a_message(client, personas, inspection):
    login(client, personas.inspector)
    item = inspection.items.get(position=2)
    response = client.post(
        reverse("inspections:item_update", args=[inspection.pk, item.pk]),
        {"note": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "请选择检查结果" in response.json()["error"]
    item.refresh_from_db()
    assert item.result == "pending" and item.note == ""


def test_a_locked_inspection_refuses_edits_with_a_message(client, personas, inspection):
    answer_all(inspection, personas.inspector)
    login(client, personas.inspector)
    submit = client.post(
        reverse("inspections:submit", args=[inspection.pk]), {"representative": "王五"}
    )
    assert submit.status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_locked
    item = inspection.items.get(position=1)
    response = client.post(
        reverse("inspections:item_update", args=[inspection.pk, item.pk]),
        {"result": "fail"},
        follow=True,
    )
    assert "该检查记录已提交，不能再修改" in response.content.decode()
    item.refresh_from_db()
    assert item.result == "pass"
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert 'name="result"' not in page


def test_submitting_with_items_missing_shows_the_count(client, personas, inspection):
    login(client, personas.inspector)
    response = client.post(
        reverse("inspections:submit", args=[inspection.pk]),
        {"representative": "王五"},
        follow=True,
    )
    assert "还有 4 项未填写检查结果" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == "draft"


def test_creating_a_hazard_from_the_page_prefills_then_registers_once(client, personas, inspection):
    item = inspection.items.get(position=4)
    services.record_result(item, by=personas.inspector, result="fail", note="无人监护")
    login(client, personas.inspector)
    url = reverse("inspections:create_hazard", args=[inspection.pk, item.pk])
    page = client.get(url).content.decode()
    assert "《工贸企业重大事故隐患判定标准》" in page and "第十三条第（二）项" in page
    assert "无人监护" in page
    data = {
        "level": "major",
        "category": "condition",
        "subject": "confined_space",
        "description": "有限空间作业未设监护人",
        "location": "污水池",
        "basis_standard": "《工贸企业重大事故隐患判定标准》",
        "basis_clause": "第十三条第（二）项",
    }
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    assert "不能重复登记" in second.content.decode()
    assert item.hazards.count() == 1
    hazard = item.hazards.get()
    assert hazard.location == "污水池" and hazard.level == "major"


def test_a_major_hazard_without_basis_is_refused_by_the_form(client, personas, inspection):
    item = inspection.items.get(position=4)
    services.record_result(item, by=personas.inspector, result="fail")
    login(client, personas.inspector)
    url = reverse("inspections:create_hazard", args=[inspection.pk, item.pk])
    response = client.post(
        url, {"level": "major", "category": "condition", "subject": "other", "description": "x"}
    )
    assert "重大隐患须填写判定依据" in response.content.decode()
    assert item.hazards.count() == 0


def test_the_printable_form_renders_every_item_and_the_hazards(client, personas, world):
    inspection, item, _, hazard = world
    answer_all(inspection, personas.inspector, overrides={3: "fail", 4: "na"})
    login(client, personas.supervisor)
    body = client.get(reverse("inspections:print", args=[inspection.pk])).content.decode()
    for i in inspection.items.all():
        assert i.text in body
    assert body.count('class="print-item"') == 4
    assert "✓" in body and "✗" in body and "—" in body
    assert hazard.number in body
    assert inspection.enterprise.uscc in body
    assert "检查人员（签字）" in body and "拒签说明" in body and "张贴公开" in body
    assert "d-print-none" in body


def _fixed_hazard(personas, enterprise):
    hazard = workflow.register(
        enterprise=enterprise,
        by=personas.inspector,
        level="general",
        category="condition",
        description="灭火器过期",
        found_on=today(),
    )
    workflow.set_deadline(
        hazard,
        by=personas.inspector,
        deadline=today() + datetime.timedelta(days=7),
        measures="更换灭火器",
        responsible_person="赵六",
    )
    workflow.report_fixed(
        hazard,
        by=personas.inspector,
        fixed_on=today(),
        note="已更换",
        after_photos=[process_upload(jpeg())],
    )
    return hazard


def test_a_recheck_lists_hazards_awaiting_recheck_and_closes_them_out(
    client, personas, world, enterprise_a1
):
    inspection = world[0]
    hazard = _fixed_hazard(personas, enterprise_a1)
    login(client, personas.supervisor)
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert hazard.number in page and "复查通过，销号" in page
    close = reverse("inspections:recheck_close", args=[inspection.pk, hazard.pk])
    response = client.post(close, {"acceptance_note": "复查合格"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "closed"
    again = client.post(close, {"acceptance_note": "复查合格"}, follow=True)
    assert "不能执行" in again.content.decode()
    assert hazard.events.filter(action="close_out").count() == 1


def test_a_recheck_rejects_a_fix_with_a_new_deadline(client, personas, world, enterprise_a1):
    inspection = world[0]
    hazard = _fixed_hazard(personas, enterprise_a1)
    login(client, personas.supervisor)
    url = reverse("inspections:recheck_reject", args=[inspection.pk, hazard.pk])
    client.post(
        url,
        {
            "note": "灭火器型号不符",
            "new_deadline": (today() + datetime.timedelta(days=5)).isoformat(),
        },
    )
    hazard.refresh_from_db()
    assert hazard.status == "deadline"


def test_the_fixer_cannot_close_out_from_the_recheck(client, personas, world, enterprise_a1):
    inspection = world[0]
    hazard = _fixed_hazard(personas, enterprise_a1)
    login(client, personas.inspector)
    page = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert "复查通过，销号" not in page
    url = reverse("inspections:recheck_close", args=[inspection.pk, hazard.pk])
    assert client.post(url, {"acceptance_note": "ok"}).status_code == 403
    hazard.refresh_from_db()
    assert hazard.status == "fixed"


def _recheck_forms(response, hazard):
    """The action forms the recheck page shows for ``hazard``, by action."""
    [row] = [r for r in response.context["rechecks"] if r["hazard"].pk == hazard.pk]
    return {a["action"]: a for a in row["forms"]}


def test_the_county_closes_a_major_hazard_from_the_recheck_with_an_evidence_photo(
    client, personas, world
):
    inspection = world[0]
    hazard = make_hazard(inspection.enterprise, personas.inspector, "fixed", level="major")
    login(client, personas.supervisor)
    page = client.get(reverse("inspections:detail", args=[inspection.pk]))
    assert list(_recheck_forms(page, hazard)) == ["reject_fix"]  # major: the county closes
    login(client, personas.county)
    page = client.get(reverse("inspections:detail", args=[inspection.pk]))
    close = _recheck_forms(page, hazard)["close_out"]
    body = page.content.decode()
    assert 'enctype="multipart/form-data"' in body and 'name="evidence_photos"' in body
    response = client.post(
        close["url"],
        {
            "seen": close["form"].initial["seen"],
            "acceptance_note": "县局组织验收，治理达标",
            "evidence_photos": jpeg("acceptance.jpg"),
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#recheck")
    hazard.refresh_from_db()
    assert (hazard.status, hazard.closed_by) == ("closed", personas.county)
    [evidence] = hazard.photos.filter(kind="evidence")
    assert evidence.event.action == "close_out"


def test_the_recheck_refuses_a_stale_page_with_409(client, personas, world, enterprise_a1):
    inspection = world[0]
    hazard = _fixed_hazard(personas, enterprise_a1)
    login(client, personas.supervisor)
    page = client.get(reverse("inspections:detail", args=[inspection.pk]))
    reject = _recheck_forms(page, hazard)["reject_fix"]
    workflow.close_out(hazard, by=personas.supervisor2, acceptance_note="复查合格")
    response = client.post(
        reject["url"],
        {
            "seen": reject["form"].initial["seen"],
            "note": "灭火器型号不符",
            "new_deadline": (today() + datetime.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 409
    assert "已被他人处理" in response.content.decode()
    hazard.refresh_from_db()
    assert (hazard.status, hazard.closed_by) == ("closed", personas.supervisor2)
    assert not hazard.events.filter(action="reject_fix").exists()


def test_a_recheck_without_its_note_shows_the_form_again_with_400(
    client, personas, world, enterprise_a1
):
    inspection = world[0]
    hazard = _fixed_hazard(personas, enterprise_a1)
    login(client, personas.supervisor)
    url = reverse("inspections:recheck_close", args=[inspection.pk, hazard.pk])
    response = client.post(url, {"acceptance_note": ""})
    assert response.status_code == 400
    close = _recheck_forms(response, hazard)["close_out"]
    assert close["open"] and close["form"].errors["acceptance_note"]
    hazard.refresh_from_db()
    assert hazard.status == "fixed"


def _many_inspections(personas, checklist, n):
    for k in range(n):
        enterprise = EnterpriseFactory(cell=personas.inspector.grid_assignments.first().cell)
        inspection = start_inspection(
            enterprise,
            personas.inspector,
            checklist,
            inspectors=[personas.inspector, personas.inspector2],
        )
        if k % 2:
            answer_all(inspection, personas.inspector, overrides={3: "fail"})
            services.submit(inspection, by=personas.inspector, representative="甲")
        services.record_enforcement(
            by=personas.supervisor,
            kind="document",
            document_kind="rectify_order",
            enterprise=enterprise,
            on=today(),
            inspection=inspection,
        )


def test_list_pages_run_a_constant_number_of_queries(
    client, personas, checklist, django_assert_max_num_queries
):
    login(client, personas.supervisor)
    urls = [reverse("inspections:list"), reverse("inspections:enforcement_list")]
    _many_inspections(personas, checklist, 1)
    counts = {}
    for url in urls:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx)
    _many_inspections(personas, checklist, 12)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_the_detail_and_print_pages_run_a_constant_number_of_queries(
    client, personas, enterprise_a1, checklist
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, personas.supervisor)
    small = start_inspection(enterprise_a1, personas.inspector, checklist)
    big = start_inspection(
        enterprise_a1,
        personas.inspector,
        checklist,
        inspectors=[personas.inspector, personas.inspector2],
    )
    for inspection, fail in ((small, [3]), (big, [1, 2, 3, 4])):
        answer_all(inspection, personas.inspector, overrides={p: "fail" for p in fail})
        for item in inspection.items.filter(result="fail"):
            services.create_hazard(item, by=personas.inspector, **services.hazard_prefill(item))
    for name in ("inspections:detail", "inspections:print"):
        sizes = []
        for inspection in (small, big):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(name, args=[inspection.pk])).status_code == 200
            sizes.append(len(ctx))
        assert sizes[0] == sizes[1], (name, sizes)


def test_enforcement_records_are_created_by_field_roles(client, personas, enterprise_a1):
    for who in ("inspector", "supervisor", "county"):
        login(client, getattr(personas, who))
        response = client.post(
            reverse("inspections:enforcement_create"),
            {
                "kind": "case",
                "enterprise": enterprise_a1.pk,
                "date": today().isoformat(),
                "fine_yuan": "2000.50",
                "description": f"{who} 立案",
            },
        )
        assert response.status_code == 302, who
    assert EnforcementAction.objects.count() == 3
    login(client, personas.admin)
    assert client.get(reverse("inspections:enforcement_create")).status_code == 403


def test_enforcement_create_refuses_another_townships_enterprise_and_bad_links(
    client, personas, enterprise_a1, enterprise_a2, enterprise_b, world
):
    inspection = world[0]
    login(client, personas.supervisor)
    url = reverse("inspections:enforcement_create")
    base = {"kind": "talk", "date": today().isoformat(), "fine_yuan": "0"}
    response = client.post(url, {**base, "enterprise": enterprise_b.pk})
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    response = client.post(
        url, {**base, "enterprise": enterprise_a2.pk, "inspection": inspection.pk}
    )
    assert "关联的检查记录不属于该企业" in response.content.decode()
    response = client.post(url, {**base, "enterprise": enterprise_a1.pk, "fine_yuan": "-5"})
    assert "罚款金额不能为负数" in response.content.decode()
    response = client.post(url, {**base, "kind": "document", "enterprise": enterprise_a1.pk})
    assert "执法文书须选择文书种类" in response.content.decode()
    assert EnforcementAction.objects.count() == 1  # the fixture's


def test_enforcement_create_prefills_from_an_inspection(client, personas, world):
    inspection = world[0]
    login(client, personas.supervisor)
    page = client.get(
        reverse("inspections:enforcement_create") + f"?inspection={inspection.pk}"
    ).content.decode()
    assert f'<option value="{inspection.enterprise_id}" selected>' in page
    assert f'<option value="{inspection.pk}" selected>' in page


def test_the_enforcement_list_filters_by_kind_and_is_scoped(client, personas, world, enterprise_b):
    services.record_enforcement(
        by=personas.other_supervisor,
        kind="case",
        enterprise=enterprise_b,
        on=today(),
        fine_yuan=100,
    )
    login(client, personas.county)
    body = client.get(reverse("inspections:enforcement_list")).content.decode()
    assert "东村机械厂" in body and "南村化工厂" in body
    body = client.get(reverse("inspections:enforcement_list") + "?kind=case").content.decode()
    assert "东村机械厂" not in body and "南村化工厂" in body
    login(client, personas.supervisor)
    body = client.get(reverse("inspections:enforcement_list")).content.decode()
    assert "南村化工厂" not in body
