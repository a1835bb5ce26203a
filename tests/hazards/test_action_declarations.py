"""Each workflow action is declared once: a new declaration is offered, posted and refused
with no other edit, and every shipped declaration is complete and consistent."""

import importlib
import inspect
from datetime import timedelta

import pytest
from django import forms
from django.urls import clear_url_caches, reverse
from django.utils import timezone

import config.urls
import hazards.urls
from grid import roles
from hazards import workflow
from hazards.forms import ExpectedStateForm
from hazards.models import HazardEvent, Level, Status
from hazards.workflow.base import _apply  # what a verb in hazards/workflow/actions.py calls
from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db


class RemindForm(ExpectedStateForm):
    note = forms.CharField(label="督促内容")


def remind(hazard, *, by, note, at=None):
    """督促 (test only): a supervisor presses for the fix; the hazard keeps its state."""
    workflow.check(hazard, "remind", by, at)
    return _apply(hazard, "remind", by=by, note=note, at=at)


NOT_MAJOR = workflow.Guard(
    lambda hazard, user, today: hazard.level != Level.MAJOR,
    "重大隐患由县级督促。",
    refusal=workflow.NotAllowed,
)


def _reload_urls():
    # The URL list is built from the declarations when the URLconf loads; config.urls
    # holds hazards.urls' patterns through include(), so both load again.
    importlib.reload(hazards.urls)
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def remind_declared():
    """A declaration that exists only in this test, removed afterwards."""
    workflow.declare(
        sources=frozenset({Status.DEADLINE}),
        target=None,
        roles=frozenset({roles.SUPERVISOR, roles.COUNTY}),
        label="督促整改",
        guards=(NOT_MAJOR,),
        page=True,
        form=RemindForm,
        url="remind",
        success="已督促。",
    )(remind)
    _reload_urls()
    yield workflow.ACTIONS["remind"]
    del workflow.ACTIONS["remind"]
    _reload_urls()


def offered(response):
    return [a["action"] for a in response.context["action_forms"]]


def test_a_new_declaration_is_offered_on_the_hazard_page_to_its_roles(
    client, personas, enterprise_a1, remind_declared
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    page = reverse("hazards:detail", args=[hazard.pk])
    response = login(client, personas.supervisor).get(page)
    assert "remind" in offered(response)
    body = response.content.decode()
    assert reverse("hazards:remind", args=[hazard.pk]) == f"/hazards/{hazard.pk}/remind/"
    assert reverse("hazards:remind", args=[hazard.pk]) in body
    assert "督促整改" in body
    assert "remind" in workflow.PAGE_ACTIONS
    assert "remind" not in offered(login(client, personas.inspector).get(page))


def test_a_new_declaration_can_be_posted_and_writes_one_event(
    client, personas, enterprise_a1, remind_declared
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    url = reverse("hazards:remind", args=[hazard.pk])
    response = login(client, personas.supervisor).post(url, {"note": "请本周内完成"})
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    event = HazardEvent.objects.filter(hazard=hazard).latest("at", "id")
    assert (event.action, event.note, event.actor) == (
        "remind",
        "请本周内完成",
        personas.supervisor,
    )
    detail = client.get(response["Location"])
    assert "已督促。" in [str(m) for m in detail.context["messages"]]
    assert "督促整改" in detail.content.decode()  # the timeline reads the label too


def test_a_new_declaration_is_refused_by_role_state_and_its_guard(
    client, personas, enterprise_a1, remind_declared
):
    deadline = make_hazard(enterprise_a1, personas.inspector, "deadline")
    found = make_hazard(enterprise_a1, personas.inspector)
    major = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    data = {"note": "请本周内完成"}
    events = HazardEvent.objects.count()
    by_role = login(client, personas.inspector).post(
        reverse("hazards:remind", args=[deadline.pk]), data
    )
    assert by_role.status_code == 403
    login(client, personas.supervisor)
    by_state = client.post(reverse("hazards:remind", args=[found.pk]), data)
    assert by_state.status_code == 400
    assert "不能执行“督促整改”" in " ".join(str(m) for m in by_state.context["messages"])
    by_guard = client.post(reverse("hazards:remind", args=[major.pk]), data)
    assert by_guard.status_code == 403  # the guard declares NotAllowed
    assert "重大隐患由县级督促。" in " ".join(str(m) for m in by_guard.context["messages"])
    no_input = client.post(reverse("hazards:remind", args=[deadline.pk]), {"note": ""})
    assert no_input.status_code == 400
    assert "这个字段是必填项" in no_input.content.decode()
    assert HazardEvent.objects.count() == events


def test_a_declaration_with_a_page_form_needs_a_url():
    with pytest.raises(ValueError, match="needs page and url"):
        workflow.declare(
            name="unreachable",
            sources=frozenset({Status.DEADLINE}),
            target=None,
            roles=frozenset({roles.SUPERVISOR}),
            label="无地址",
            page=True,
            form=RemindForm,
        )(remind)
    assert "unreachable" not in workflow.ACTIONS


# --- the shipped declarations -----------------------------------------------------------------


@pytest.mark.parametrize("action", [a.name for a in workflow.page_forms()])
def test_each_page_form_names_only_the_verbs_keyword_arguments(action):
    declared = workflow.ACTIONS[action]
    assert issubclass(declared.form_class, ExpectedStateForm)
    parameters = inspect.signature(declared.verb).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    fields = set(declared.form_class.base_fields) - {"seen"}
    assert takes_any or fields <= set(parameters), fields - set(parameters)
    assert declared.success
    assert reverse(f"hazards:{action}", args=[1]) == f"/hazards/1/{declared.url}/"


def test_the_rules_table_and_the_page_actions_are_read_from_the_declarations():
    assert workflow.RULES is workflow.ACTIONS
    assert list(workflow.PAGE_ACTIONS) == [a.name for a in workflow.ACTIONS.values() if a.page]
    assert workflow.ACTIONS["close_out"].verb is workflow.close_out
    assert workflow.ACTIONS["issue_order"].form is None  # 督办单 has a page of its own


def test_close_out_declares_its_refusals_as_403(personas, enterprise_a1):
    """Who may close is a 403 because the guards say so, not because of the action's name;
    the rule about the hazard (a major one needs a library item) is a 400."""
    from hazards.workflow.actions import MAJOR_CLOSED_ON_A_LIBRARY_ITEM

    refusals = {
        g.refusal
        for g in workflow.ACTIONS["close_out"].guards
        if g is not MAJOR_CLOSED_ON_A_LIBRARY_ITEM
    }
    assert refusals == {workflow.NotAllowed}
    assert MAJOR_CLOSED_ON_A_LIBRARY_ITEM.refusal is workflow.WorkflowError
    hazard = make_hazard(enterprise_a1, personas.supervisor, "fixed")
    with pytest.raises(workflow.NotAllowed, match="不能为自己上报的整改销号"):
        workflow.check(hazard, "close_out", personas.supervisor)


def test_the_order_guard_reads_the_day_of_the_action_not_the_clock(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = timezone.now() + timedelta(days=1)
    after = timezone.now() + timedelta(days=30)  # past the 14-day deadline
    with pytest.raises(workflow.WorkflowError, match="督办单只针对逾期未整改或重大隐患"):
        workflow.check(hazard, "issue_order", personas.supervisor, at=before)
    workflow.check(hazard, "issue_order", personas.supervisor, at=after)
    assert "issue_order" in workflow.available_actions(hazard, personas.supervisor, at=after)
    assert "issue_order" not in workflow.available_actions(hazard, personas.supervisor)
