"""Every URL with an id, asked for by a user of another township, answers 404.

The sweep walks config.urls itself: a new URL with an id fails here until it is given an
object of township A below, so no page can slip through unscoped. The self-report pages
take a period instead (自查自报 of the account's own enterprise, "2026-10", "2026-Q4"): they
get one too, so the sweeps that open every page (tests/test_crafted_input.py, the
accessibility sweep) reach them, but they are no record of anyone's and stay out of the
404 sweeps (``with_ids``).
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from enterprises import selfreports
from enterprises.models import EnterpriseAccount, QuarterlySelfReport
from grid import roles
from hazards import workflow
from inspections import services as inspections
from inspections.models import ChecklistTemplate, InspectionGroup
from jobs.models import Job
from tests.conftest import login
from tests.factories import UserFactory, jpeg_upload, make_hazard


def id_patterns(resolver=None, namespace=""):
    """(url name, [int kwarg names]) of every pattern with an int in it, admin excluded."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # Django's admin: staff only, not scoped by township
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from id_patterns(pattern, ns)
            continue
        ints = [
            name
            for name, converter in pattern.pattern.converters.items()
            if isinstance(converter, IntConverter)
        ]
        if ints:
            yield f"{namespace}{pattern.name}", sorted(ints)


# The pages whose path names a period of the signed-in enterprise account's own reports.
PERIOD_PAGES = {"enterprises:selfreport_month", "enterprises:selfreport_quarter"}


def with_ids(objects):
    """The entries of ``objects`` that name records by id (not the period pages)."""
    return {name: kwargs for name, kwargs in objects.items() if name not in PERIOD_PAGES}


def period_patterns(resolver=None, namespace=""):
    """The names of every pattern with a ``period`` in its path, admin excluded."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from period_patterns(pattern, ns)
        elif "period" in pattern.pattern.converters:
            yield f"{namespace}{pattern.name}"


@pytest.fixture
def township_a(personas, enterprise_a1):
    """One object of every kind, all in township A."""
    today = timezone.localdate()
    fixed = make_hazard(enterprise_a1, personas.inspector, "fixed")
    major = make_hazard(enterprise_a1, personas.inspector, "found", level="major")
    order = workflow.issue_order(
        major, by=personas.supervisor, deadline=today, requirements="立即整改"
    )
    template = ChecklistTemplate.objects.filter(is_active=True).first()
    inspection = inspections.start(
        enterprise=enterprise_a1,
        by=personas.inspector,
        template=template,
        inspectors=[personas.inspector],
        kind="routine",
        on=today,
    )
    enforcement = inspections.record_enforcement(
        by=personas.supervisor, kind="talk", enterprise=enterprise_a1, on=today
    )
    recheck = inspections.start(
        enterprise=enterprise_a1,
        by=personas.inspector,
        template=template,
        inspectors=[personas.inspector],
        kind="recheck",
        on=today,
    )
    item = inspection.items.first()
    inspections.record_result(item, by=personas.inspector, result="fail", photo=jpeg_upload())
    job = Job.objects.create(
        user=personas.supervisor,
        kind="export_ledger",
        state=Job.State.DONE,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    job.file.save("ledger.xlsx", ContentFile(b"PK"), save=True)
    photo = fixed.photos.first()
    account = EnterpriseAccount.objects.create(
        user=UserFactory(username="qy_sweep", role=roles.ENTERPRISE), enterprise=enterprise_a1
    )
    in_deadline = make_hazard(enterprise_a1, personas.inspector, "deadline")
    group = InspectionGroup.objects.create(name="第12检查组", unit=enterprise_a1.township)
    quarterly = QuarterlySelfReport.objects.create(
        enterprise=enterprise_a1,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        as_of=today,
        principal="王强",
        signed_on=today,
        submitted_by=account.user,
    )
    # The month filed and corrected once, so its page shows the report and the correction.
    month = selfreports.current_month(today)
    monthly = selfreports.submit_monthly(
        enterprise_a1, by=account.user, period=month, no_hazards=False
    )
    selfreports.correct_monthly(
        monthly, by=account.user, no_hazards=False, note="补充说明", reason="漏填说明"
    )
    return {
        "enterprises:selfreport_month": {"period": month.key},
        "enterprises:selfreport_quarter": {"period": month.quarter_of().key},
        "enterprises:detail": {"pk": enterprise_a1.pk},
        "enterprises:accounts": {"pk": enterprise_a1.pk},
        "enterprises:account_deactivate": {"pk": account.pk},
        "enterprises:disclosure": {"pk": enterprise_a1.pk},
        "enterprises:selfreport_quarter_print": {"pk": quarterly.pk},
        "hazards:acknowledge": {"pk": in_deadline.pk},
        "enterprises:edit": {"pk": enterprise_a1.pk},
        "hazards:order_detail": {"pk": order.pk},
        "hazards:photo": {"pk": photo.pk},
        "hazards:photo_thumb": {"pk": photo.pk},
        "hazards:detail": {"pk": fixed.pk},
        "hazards:order_create": {"pk": major.pk},
        "hazards:notice": {"pk": fixed.pk},
        "hazards:set_deadline": {"pk": major.pk},
        "hazards:report_fixed": {"pk": major.pk},
        "hazards:request_extension": {"pk": major.pk},
        "hazards:approve_extension": {"pk": major.pk},
        "hazards:decline_extension": {"pk": major.pk},
        "hazards:extend_deadline": {"pk": major.pk},
        "hazards:reject_fix": {"pk": fixed.pk},
        "hazards:close_out": {"pk": fixed.pk},
        "hazards:refer_to_county": {"pk": major.pk},
        "hazards:void": {"pk": major.pk},
        "hazards:amend": {"pk": major.pk},
        "hazards:answer_major_hint": {"pk": fixed.pk},
        "inspections:enforcement_detail": {"pk": enforcement.pk},
        "inspections:detail": {"pk": inspection.pk},
        "inspections:print": {"pk": inspection.pk},
        "inspections:submit": {"pk": inspection.pk},
        "inspections:pass_remaining": {"pk": inspection.pk},
        "inspections:undo_pass_remaining": {"pk": inspection.pk},
        "inspections:item_update": {"pk": inspection.pk, "item_pk": item.pk},
        "inspections:item_photo": {"pk": inspection.pk, "item_pk": item.pk},
        "inspections:create_hazard": {"pk": inspection.pk, "item_pk": item.pk},
        "inspections:recheck_close": {"pk": recheck.pk, "hazard_pk": fixed.pk},
        "inspections:recheck_reject": {"pk": recheck.pk, "hazard_pk": fixed.pk},
        "inspections:enterprise_section": {"enterprise_pk": enterprise_a1.pk},
        "inspections:group_detail": {"pk": group.pk},
        "inspections:group_edit": {"pk": group.pk},
        "jobs:detail": {"pk": job.pk},
        "jobs:progress": {"pk": job.pk},
        "jobs:download": {"pk": job.pk},
        "jobs:restart": {"pk": job.pk},
    }


def test_the_sweep_knows_an_object_for_every_url_with_an_id(township_a):
    found = dict(id_patterns())
    assert sorted(found) == sorted(with_ids(township_a))
    for name, kwargs in with_ids(township_a).items():
        assert sorted(kwargs) == found[name], name


def test_the_sweep_knows_a_period_for_every_self_report_page_with_one(township_a):
    self_reports = {n for n in period_patterns() if n.startswith("enterprises:")}
    assert self_reports == PERIOD_PAGES
    assert {n for n in township_a if n not in with_ids(township_a)} == PERIOD_PAGES


def _ask(client, url):
    """GET, or POST where the view takes only POST."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def test_every_url_with_an_id_answers_404_to_another_township(client, personas, township_a):
    for user in (personas.other_inspector, personas.other_supervisor):
        login(client, user)
        answers = {
            name: _ask(client, reverse(name, kwargs=kwargs)).status_code
            for name, kwargs in with_ids(township_a).items()
        }
        assert answers == dict.fromkeys(with_ids(township_a), 404), user.username


def test_the_same_urls_are_found_by_township_a(client, personas, township_a):
    """The control: the ids are real, so the 404s above are scoping, not typos."""
    login(client, personas.supervisor)
    answers = {
        name: _ask(client, reverse(name, kwargs=kwargs)).status_code
        for name, kwargs in with_ids(township_a).items()
    }
    assert [name for name, status in answers.items() if status == 404] == []
