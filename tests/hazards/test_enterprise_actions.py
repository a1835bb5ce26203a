"""An enterprise account on its own hazards: it sees them, acknowledges the rectification
notice (签收), reports the fix; it never closes out, voids, amends or sets deadlines, and
another enterprise's hazard does not exist for it."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseAccount
from grid import roles, scoping
from hazards import workflow
from hazards.models import Hazard, HazardEvent, Source, Status
from hazards.workflow.actions import acknowledge
from tests.conftest import login
from tests.factories import UserFactory, jpeg_upload, make_hazard, processed_photo

DAY = datetime.timedelta(days=1)


def account_user(enterprise, username):
    user = UserFactory(username=username, role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(user=user, enterprise=enterprise, must_change_password=False)
    return user


@pytest.fixture
def own(enterprise_a1):
    return account_user(enterprise_a1, "qy_a1")


@pytest.fixture
def neighbour(enterprise_a2):
    return account_user(enterprise_a2, "qy_a2")


def events(hazard):
    return list(HazardEvent.objects.filter(hazard=hazard).values_list("action", flat=True))


# --- 签收 ------------------------------------------------------------------------------------


def test_the_enterprise_acknowledges_the_notice_with_who_and_when(own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = timezone.now()
    event = acknowledge(hazard, by=own, note="已收到，马上整改")
    hazard.refresh_from_db()
    assert hazard.status == Status.DEADLINE
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "acknowledge",
        own,
        Status.DEADLINE,
        Status.DEADLINE,
    )
    assert event.at >= before and event.note == "已收到，马上整改"
    assert event.data["deadline"] == hazard.deadline.isoformat()


def test_a_notice_is_acknowledged_once_until_a_new_deadline_is_given(own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    acknowledge(hazard, by=own)
    hazard.refresh_from_db()
    assert "acknowledge" not in workflow.available_actions(hazard, own)
    with pytest.raises(workflow.WorkflowError, match="该整改通知已签收"):
        acknowledge(hazard, by=own)
    workflow.extend_deadline(
        hazard, by=personas.supervisor, until=hazard.deadline + 10 * DAY, reason="设备未到货"
    )
    hazard.refresh_from_db()
    assert "acknowledge" in workflow.available_actions(hazard, own)
    acknowledge(hazard, by=own)
    assert events(hazard).count("acknowledge") == 2


def test_only_a_hazard_under_a_deadline_can_be_acknowledged(own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    with pytest.raises(workflow.WorkflowError, match="不能执行“签收整改通知”"):
        acknowledge(hazard, by=own)
    assert events(hazard) == ["register"]


@pytest.mark.parametrize("who", ["inspector", "supervisor", "county", "admin"])
def test_staff_do_not_acknowledge_for_the_enterprise(personas, enterprise_a1, who):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    with pytest.raises(workflow.NotAllowed, match="您的角色不能执行"):
        acknowledge(hazard, by=getattr(personas, who))
    assert "acknowledge" not in events(hazard)


def test_another_enterprise_cannot_acknowledge(neighbour, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    with pytest.raises(Http404):
        acknowledge(hazard, by=neighbour)
    assert "acknowledge" not in events(hazard)


# --- reporting the fix, and never closing out ----------------------------------------------


def test_the_enterprise_reports_the_fix_and_the_township_closes_it_out(
    own, personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    workflow.report_fixed(
        hazard,
        by=own,
        fixed_on=timezone.localdate(),
        note="已更换配电箱锁具",
        after_photos=[processed_photo()],
    )
    hazard.refresh_from_db()
    assert hazard.status == Status.FIXED and hazard.fixed_by == own
    assert workflow.available_actions(hazard, own) == []  # closing out is the township's
    workflow.close_out(hazard, by=personas.supervisor, acceptance_note="复查合格")
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED


def test_another_enterprise_cannot_report_the_fix(neighbour, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    with pytest.raises(Http404):
        workflow.report_fixed(
            hazard,
            by=neighbour,
            fixed_on=timezone.localdate(),
            note="x",
            after_photos=[processed_photo()],
        )
    hazard.refresh_from_db()
    assert hazard.status == Status.DEADLINE


@pytest.mark.parametrize(
    ("state", "action", "kwargs"),
    [
        ("fixed", "close_out", {"acceptance_note": "自己验收"}),
        ("deadline", "void", {"reason": "不是隐患"}),
        ("deadline", "amend", {"note": "改一下", "description": "没有问题"}),
        (
            "found",
            "set_deadline",
            {
                "deadline": (timezone.localdate() + 30 * DAY),
                "measures": "加锁",
                "responsible_person": "张三",
            },
        ),
        (
            "deadline",
            "extend_deadline",
            {"until": (timezone.localdate() + 30 * DAY), "reason": "等配件"},
        ),
        (
            "fixed",
            "reject_fix",
            {"new_deadline": (timezone.localdate() + 30 * DAY), "note": "未整改到位"},
        ),
    ],
)
def test_the_enterprise_never_closes_voids_or_edits(
    own, personas, enterprise_a1, state, action, kwargs
):
    hazard = make_hazard(enterprise_a1, personas.inspector, state)
    count = len(events(hazard))
    # 五定 of a hazard the inspectors found: refused (only its own 企业自查 findings).
    with pytest.raises(workflow.NotAllowed, match="您的角色不能执行|企业只能为本企业自查"):
        getattr(workflow, action)(hazard, by=own, **kwargs)
    hazard.refresh_from_db()
    assert hazard.status == state and len(events(hazard)) == count


def test_the_enterprise_is_offered_acknowledge_extension_and_report_fixed_only(
    own, personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    assert workflow.available_actions(hazard, own) == [
        "acknowledge",
        "report_fixed",
        "request_extension",
    ]


# --- the pages -----------------------------------------------------------------------------


def test_the_enterprise_opens_its_hazard_page_photos_and_notice(
    client, own, personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    photo = hazard.photos.first()
    login(client, own)
    for url in (
        reverse("hazards:list"),
        reverse("hazards:detail", args=[hazard.pk]),
        reverse("hazards:photo", args=[photo.pk]),
        reverse("hazards:notice", args=[hazard.pk]),
        reverse("enterprises:detail", args=[enterprise_a1.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert hazard.number in client.get(reverse("hazards:list")).text


def test_the_enterprise_sees_no_reports_overdue_board_or_imports(client, own, enterprise_a1):
    login(client, own)
    for name in (
        "hazards:overdue",
        "reports:dashboard",
        "hazards:import",
        "enterprises:import",
        "enterprises:create",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_ledger_of_an_enterprise_lists_its_own_hazards_only(
    client, own, personas, enterprise_a1, enterprise_a2
):
    mine = make_hazard(enterprise_a1, personas.inspector, "found")
    theirs = make_hazard(enterprise_a2, personas.supervisor, "found")
    login(client, own)
    text = client.get(reverse("hazards:list")).text
    assert mine.number in text and theirs.number not in text


def test_the_enterprise_acknowledges_on_the_hazard_page(client, own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    login(client, own)
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).text
    assert reverse("hazards:acknowledge", args=[hazard.pk]) in page
    response = client.post(reverse("hazards:acknowledge", args=[hazard.pk]), {"note": "收到"})
    assert response.status_code == 302
    assert events(hazard)[-1] == "acknowledge"


def test_another_enterprise_gets_404_for_the_page_and_the_action(
    client, neighbour, personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    login(client, neighbour)
    assert client.get(reverse("hazards:detail", args=[hazard.pk])).status_code == 404
    response = client.post(reverse("hazards:acknowledge", args=[hazard.pk]), {"note": "收到"})
    assert response.status_code == 404
    assert "acknowledge" not in events(hazard)


@pytest.mark.parametrize(("who", "status"), [("inspector", 403), ("other_supervisor", 404)])
def test_staff_posting_acknowledge_are_refused(client, personas, enterprise_a1, who, status):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    login(client, getattr(personas, who))
    response = client.post(reverse("hazards:acknowledge", args=[hazard.pk]), {"note": "收到"})
    assert response.status_code == status
    assert "acknowledge" not in events(hazard)


def test_acknowledging_a_stale_copy_is_refused_and_writes_nothing(own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    stale = Hazard.objects.get(pk=hazard.pk)
    workflow.extend_deadline(
        hazard, by=personas.supervisor, until=hazard.deadline + 10 * DAY, reason="设备未到货"
    )
    count = len(events(hazard))
    with pytest.raises(workflow.StaleTransition, match="刷新"):
        acknowledge(stale, by=own)
    assert len(events(hazard)) == count


# --- 企业自查: registering its own hazards -----------------------------------------------------


def test_the_enterprise_registers_a_hazard_it_found_itself(client, own, personas, enterprise_a1):
    login(client, own)
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "level": "general",
            "category": "condition",
            "subject": "fire",
            "description": "灭火器压力不足",
            "location": "仓库",
            "found_on": timezone.localdate().isoformat(),
            "photos": jpeg_upload(),
            "client_key": "3f1c2d7e-1b7a-4f4e-9a51-6f5d9a1b2c3d",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    hazard = Hazard.objects.get(description="灭火器压力不足")
    assert hazard.source == Source.SELF and hazard.registered_by == own
    assert hazard.enterprise == enterprise_a1
    # The township sees it and handles it as any other.
    assert scoping.can_see(personas.supervisor, hazard)


def test_the_enterprise_cannot_register_for_another_enterprise(
    client, own, enterprise_a2, enterprise_b
):
    login(client, own)
    for other in (enterprise_a2, enterprise_b):
        url = reverse("hazards:register") + f"?enterprise={other.pk}"
        assert client.get(url).status_code == 404
    with pytest.raises(Http404):
        workflow.register(
            enterprise=enterprise_a2,
            by=own,
            level="general",
            category="condition",
            description="x",
            found_on=timezone.localdate(),
        )
    assert not Hazard.objects.exists()


def test_a_self_inspected_hazard_goes_the_whole_way(own, personas, enterprise_a1):
    hazard = workflow.register(
        enterprise=enterprise_a1,
        by=own,
        level="general",
        category="condition",
        description="安全出口指示灯损坏",
        found_on=timezone.localdate(),
    )
    assert hazard.source == Source.SELF
    workflow.set_deadline(
        hazard,
        by=personas.inspector,
        deadline=timezone.localdate() + 7 * DAY,
        measures="更换指示灯",
        responsible_person="张三",
    )
    hazard.refresh_from_db()
    acknowledge(hazard, by=own)
    hazard.refresh_from_db()
    workflow.report_fixed(
        hazard,
        by=own,
        fixed_on=timezone.localdate(),
        note="已更换",
        after_photos=[processed_photo()],
    )
    hazard.refresh_from_db()
    workflow.close_out(hazard, by=personas.supervisor, acceptance_note="复查合格")
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED
