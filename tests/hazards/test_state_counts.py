"""The state counts the database keeps (issue 17): hazards per (township, cell, status),
moved by triggers on the hazards table at every write, whoever writes; and the ledger's
state tabs read from them, equal to counting the hazards."""

import importlib
import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hazards import workflow
from hazards.counts import differences, rebuild_state_counts
from hazards.filters import HazardFilter
from hazards.models import Hazard, HazardEvent, StateCount, Status
from hazards.selectors import hazard_list
from tests.factories import auto_supervisor, make_hazard, processed_photo

pytestmark = pytest.mark.django_db

# The triggers as the migrations make them: 0009 on both databases, 0010 on PostgreSQL.
MIGRATIONS = [
    importlib.import_module("hazards.migrations.0009_state_counts"),
    importlib.import_module("hazards.migrations.0010_state_counts_per_statement"),
]
_numbers = itertools.count(1)


def counted():
    """The hazards per (township, cell, status), counted: what the table must hold."""
    rows = Hazard.objects.values_list("township_id", "cell_id", "status").annotate(n=Count("*"))
    return {(t, c, s): n for t, c, s, n in rows.order_by()}


def stored():
    """The table's rows, but those at 0 (a row whose count falls to 0 stays)."""
    rows = StateCount.objects.filter(n__gt=0).values_list("township_id", "cell_id", "status", "n")
    return {(t, c, s): n for t, c, s, n in rows}


def assert_counts_exact():
    assert stored() == counted()
    assert differences() == []


def days_ago(n):
    return timezone.now() - timedelta(days=n)


def raw_hazard(enterprise, status=Status.FOUND, **fields):
    """A hazard row as an import or a script writes it: no workflow, no event."""
    today = timezone.localdate()
    values = {
        "number": f"RAW{next(_numbers):06d}",
        "enterprise": enterprise,
        "cell_id": enterprise.cell_id,
        "township_id": enterprise.township_id,
        "industry": enterprise.industry,
        "level": "general",
        "category": "condition",
        "description": "批量写入的隐患",
        "found_on": today - timedelta(days=30),
        "status": status,
    }
    if status == Status.DEADLINE:
        values.update(deadline=today + timedelta(days=3), original_deadline=today)
    if status in (Status.FIXED, Status.CLOSED):
        values.update(fixed_on=today)
    if status == Status.CLOSED:
        values.update(closed_on=today)
    if status == Status.VOID:
        values.update(void_reason="误报")
    values.update(fields)
    return Hazard(**values)


# --- the triggers keep the table exact ------------------------------------------------------


def test_hazards_made_in_every_state_in_two_townships_are_counted_per_place_and_state(
    personas, enterprise_a1, enterprise_a2, enterprise_b
):
    p = personas
    for state in ("found", "deadline", "fixed", "closed", "void"):
        make_hazard(enterprise_a1, p.inspector, state)
        make_hazard(enterprise_a2, p.supervisor, state)
    make_hazard(enterprise_b, p.other_inspector, "deadline", at=days_ago(20))
    make_hazard(enterprise_a1, p.inspector, "closed", level="major")
    assert_counts_exact()
    row = StateCount.objects.get(cell=enterprise_a1.cell, status=Status.CLOSED)
    assert (row.township_id, row.n) == (enterprise_a1.township_id, 2)


def test_every_step_of_the_workflow_moves_the_count_at_once(personas, enterprise_a1):
    p = personas
    hazard = make_hazard(enterprise_a1, p.inspector, "found")
    assert_counts_exact()
    today = timezone.localdate()
    workflow.set_deadline(
        hazard,
        by=p.inspector,
        deadline=today + timedelta(days=7),
        measures="加装防护罩",
        responsible_person="张三",
    )
    assert_counts_exact()
    workflow.extend_deadline(
        hazard, by=p.supervisor, until=today + timedelta(days=20), reason="设备到货延迟"
    )
    assert_counts_exact()
    workflow.report_fixed(
        hazard, by=p.inspector, fixed_on=today, note="已整改", after_photos=[processed_photo()]
    )
    assert_counts_exact()
    workflow.reject_fix(
        hazard, by=p.supervisor, new_deadline=today + timedelta(days=5), note="复查不合格"
    )
    assert_counts_exact()
    workflow.report_fixed(
        hazard, by=p.inspector, fixed_on=today, note="再次整改", after_photos=[processed_photo()]
    )
    workflow.close_out(hazard, by=p.supervisor, acceptance_note="复查合格")
    assert_counts_exact()
    other = make_hazard(enterprise_a1, p.inspector, "found")
    workflow.amend(other, by=p.supervisor, note="描述不准确", description="配电箱门未关闭")
    workflow.void(other, by=auto_supervisor(enterprise_a1), reason="重复登记")
    assert_counts_exact()
    cell = {r.status: r.n for r in StateCount.objects.filter(cell=enterprise_a1.cell)}
    assert cell == {"found": 0, "deadline": 0, "fixed": 0, "closed": 1, "void": 1}


def test_bulk_create_and_queryset_update_and_delete_keep_the_counts(
    personas, enterprise_a1, enterprise_b
):
    made = Hazard.objects.bulk_create(
        [raw_hazard(enterprise_a1, s) for s in Status.values]
        + [raw_hazard(enterprise_b, Status.DEADLINE) for _ in range(3)]
    )
    assert_counts_exact()
    ids = [h.pk for h in made]
    # The status of many rows in one statement (a FIXED row needs a fixed_on already).
    Hazard.objects.filter(pk__in=ids, status=Status.FOUND).update(
        status=Status.VOID, void_reason="x"
    )
    assert_counts_exact()
    # Moved to another place: township and cell in one UPDATE, or the cell alone.
    Hazard.objects.filter(pk__in=ids, enterprise=enterprise_b).update(
        township_id=enterprise_a1.township_id, cell_id=enterprise_a1.cell_id
    )
    assert_counts_exact()
    Hazard.objects.filter(pk=ids[0]).update(cell_id=enterprise_b.cell_id)
    assert_counts_exact()
    # A save that rewrites every column, none of the three changed: nothing moves.
    hazard = Hazard.objects.get(pk=ids[1])
    hazard.description = "只改了描述"
    hazard.save()
    assert_counts_exact()
    Hazard.objects.filter(pk__in=ids[:4]).delete()
    assert_counts_exact()
    assert StateCount.objects.filter(n=0).exists()  # emptied rows stay, at 0


def test_a_ledger_import_is_counted(personas, enterprise_a1):
    from datetime import date

    from hazards.workflow import ImportRecord, import_records

    def record(line, **dates):
        fields = dict(
            line=line, number="", uscc=enterprise_a1.uscc, enterprise_id=enterprise_a1.pk,
            cell_id=enterprise_a1.cell_id, township_id=enterprise_a1.township_id,
            industry=enterprise_a1.industry, description=f"旧台账第{line}行", location="仓库",
            level="general", category="condition", found_on=date(2026, 3, 1),
            finder_names="张三", measures="更换", responsible_person="李四", funds_yuan=None,
            deadline=None, fixed_on=None, closed_on=None,
        )  # fmt: skip
        return ImportRecord(**{**fields, **dates})

    closed = {"deadline": date(2026, 3, 10), "fixed_on": date(2026, 3, 5)}
    records = [record(2), record(3, **closed, closed_on=date(2026, 3, 6)), record(4, **closed)]
    import_records(records, by=personas.county)
    assert_counts_exact()
    cell = {r.status: r.n for r in StateCount.objects.filter(cell=enterprise_a1.cell)}
    assert cell == {"found": 1, "closed": 1, "fixed": 1}


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.sampled_from(Status.values), st.integers(0, 2)),
        st.tuples(st.just("status"), st.sampled_from(Status.values), st.integers(0, 20)),
        st.tuples(st.just("move"), st.integers(0, 2), st.integers(0, 20)),
        st.tuples(st.just("delete"), st.integers(0, 20), st.integers(0, 3)),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_any_sequence_of_inserts_updates_moves_and_deletes_leaves_the_counts_exact(
    enterprise_a1, enterprise_a2, enterprise_b, operations
):
    places = [enterprise_a1, enterprise_a2, enterprise_b]
    for op, a, b in operations:
        ids = list(Hazard.objects.order_by("pk").values_list("pk", flat=True))
        if op == "insert":
            Hazard.objects.bulk_create([raw_hazard(places[b], a)])
        elif op == "status" and ids:
            # Every column the state's constraints ask for, so any state may follow any.
            Hazard.objects.filter(pk=ids[b % len(ids)]).update(
                status=a,
                deadline=timezone.localdate(),
                original_deadline=timezone.localdate(),
                fixed_on=timezone.localdate() if a in ("fixed", "closed") else None,
                closed_on=timezone.localdate() if a == "closed" else None,
                void_reason="误报",
            )
        elif op == "move" and ids:
            place = places[a]
            Hazard.objects.filter(pk=ids[b % len(ids)]).update(
                township_id=place.township_id, cell_id=place.cell_id
            )
        elif op == "delete" and ids:
            start = a % len(ids)
            Hazard.objects.filter(pk__in=ids[start : start + b]).delete()
        assert stored() == counted()


# --- the migration's backfill and the repair ------------------------------------------------


def test_the_migrations_count_the_hazards_already_there(personas, enterprise_a1, enterprise_b):
    """The hazards written before the migrations (here: with their triggers dropped and the
    table emptied) are counted by their backfill, and the triggers they make count on."""
    editor = SimpleNamespace(connection=connection)
    MIGRATIONS[1].per_row(apps, editor)
    MIGRATIONS[0].drop_triggers(apps, editor)
    StateCount.objects.all().delete()
    make_hazard(enterprise_a1, personas.inspector, "deadline")
    Hazard.objects.bulk_create([raw_hazard(enterprise_b, s) for s in Status.values])
    assert stored() == {}
    MIGRATIONS[0].create_triggers(apps, editor)
    assert_counts_exact()
    make_hazard(enterprise_b, personas.other_inspector, "fixed")
    assert_counts_exact()
    StateCount.objects.all().delete()  # the next migration recounts too
    MIGRATIONS[1].per_statement(apps, editor)
    if connection.vendor == "sqlite":
        StateCount.objects.bulk_create(
            StateCount(township_id=t, cell_id=c, status=s, n=n)
            for (t, c, s), n in counted().items()
        )
    assert_counts_exact()
    make_hazard(enterprise_a1, personas.inspector, "closed")
    Hazard.objects.filter(status=Status.FOUND).update(status=Status.VOID, void_reason="x")
    assert_counts_exact()


def test_rebuild_says_what_differed_and_repairs_it(personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector, "found")
    make_hazard(enterprise_a1, personas.inspector, "found")
    assert rebuild_state_counts() == []
    StateCount.objects.filter(status=Status.FOUND).update(n=7)
    StateCount.objects.create(
        township_id=enterprise_a1.township_id, cell_id=enterprise_a1.cell_id, status="void", n=1
    )
    found = rebuild_state_counts(repair=False)
    assert [(d.status, d.stored, d.counted) for d in found] == [("found", 7, 2), ("void", 1, 0)]
    with pytest.raises(CommandError, match="2 处状态计数与隐患不一致"):
        call_command("rebuild_state_counts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert rebuild_state_counts() == found
    assert_counts_exact()
    assert rebuild_state_counts() == []


# --- the ledger's tabs from the table --------------------------------------------------------


@pytest.fixture
def county_hazards(personas, enterprise_a1, enterprise_a2, enterprise_b):
    p = personas
    for state in ("found", "deadline", "fixed", "closed", "void"):
        make_hazard(enterprise_a1, p.inspector, state)
        make_hazard(enterprise_b, p.other_inspector, state)
    make_hazard(enterprise_a1, p.inspector, "deadline", at=days_ago(20))  # overdue
    make_hazard(enterprise_a2, p.supervisor, "deadline", at=days_ago(30))  # overdue
    make_hazard(enterprise_b, p.other_inspector, "deadline", at=days_ago(25))  # overdue
    make_hazard(enterprise_a2, p.supervisor, "found", level="major")


def tabs(user, params=None):
    """The ledger's tabs, and whether they were read from the counts table."""
    ledger = hazard_list(user, params or {})
    with CaptureQueriesContext(connection) as ctx:
        counts = ledger.tab_counts()
    from_table = any("hazards_statecount" in q["sql"] for q in ctx.captured_queries)
    assert counts == HazardFilter.tab_counts(ledger)  # exactly what counting gives
    return counts, from_table, len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["supervisor", "inspector", "county", "admin"])
def test_a_scope_of_places_reads_its_tabs_from_the_table_in_one_query(
    county_hazards, personas, who
):
    counts, from_table, queries = tabs(getattr(personas, who))
    assert from_table
    # The sums per state and the overdue count: one UNION ALL, after the data stamp (for
    # the cache the tabs are then kept in).
    assert queries == 2
    assert counts["overdue"] > 0


def test_the_county_s_tabs_from_the_table(county_hazards, personas):
    counts, from_table, _ = tabs(personas.county)
    assert from_table
    assert counts == {
        "": 12,
        "found": 3,
        "deadline": 5,
        "overdue": 3,
        "fixed": 2,
        "closed": 2,
        "void": 2,
    }


def test_a_cell_scoped_inspector_s_tabs_count_only_the_cell(county_hazards, personas):
    counts, from_table, _ = tabs(personas.inspector)  # village A1 only
    assert from_table
    assert counts["overdue"] == 1
    assert counts[""] == 5


@pytest.mark.parametrize(
    "params",
    [
        {"status": "deadline"},
        {"sort": "deadline"},
        {"status": "overdue", "sort": "-number", "page": "2"},
        {"as_of": "today"},
    ],
)
def test_the_state_the_sort_and_today_s_date_still_read_the_table(county_hazards, personas, params):
    if params.get("as_of") == "today":
        params = {"as_of": timezone.localdate().isoformat()}
    assert tabs(personas.county, params)[1]


@pytest.mark.parametrize(
    "params",
    [
        {"level": "major"},
        {"q": "配电箱"},
        {"township": "town_b"},
        {"found_from": "2020-01-01"},
        {"as_of": "past"},
        {"level": "nonsense"},  # an invalid form: zeros, as counting gives
    ],
)
def test_a_filter_a_past_date_or_an_invalid_form_counts_the_hazards(
    county_hazards, personas, grid, params
):
    if params.get("township"):
        params = {"township": getattr(grid, params["township"]).pk}
    if params.get("as_of"):
        params = {"as_of": (timezone.localdate() - timedelta(days=10)).isoformat()}
    assert not tabs(personas.county, params)[1]
    assert not tabs(personas.supervisor, params)[1]


def test_an_enterprise_account_s_tabs_are_counted_from_its_hazards(county_hazards, personas):
    counts, from_table, _ = tabs(personas.enterprise)
    assert not from_table
    assert counts[""] == 5


def test_the_tabs_follow_a_transition_and_a_new_hazard_at_once(county_hazards, personas):
    p = personas
    before = tabs(p.county)[0]
    hazard = Hazard.objects.filter(status=Status.FOUND, level="general").first()
    workflow.void(hazard, by=p.county, reason="重复登记")
    make_hazard(hazard.enterprise, p.county, "deadline", at=days_ago(40))
    after = tabs(p.county)[0]
    assert after["void"] == before["void"] + 1
    assert after["found"] == before["found"] - 1
    assert after["deadline"] == before["deadline"] + 1
    assert after["overdue"] == before["overdue"] + 1
    assert HazardEvent.objects.filter(action="void").exists()
