from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from hazards.selectors import hazard_list
from tests.factories import EnterpriseFactory, make_hazard

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.now() - timedelta(days=n)


def numbers(user, params):
    return sorted(h.number for h in hazard_list(user, params).qs)


def test_without_a_status_every_state_but_void_is_listed(personas, enterprise_a1):
    p = personas
    kept = [make_hazard(enterprise_a1, p.inspector, s) for s in ("found", "deadline", "fixed")]
    make_hazard(enterprise_a1, p.inspector, "void")
    assert numbers(p.supervisor, {}) == sorted(h.number for h in kept)


@pytest.mark.parametrize("state", ["found", "deadline", "fixed", "closed", "void"])
def test_the_status_parameter_selects_one_state(personas, enterprise_a1, state):
    p = personas
    made = {s: make_hazard(enterprise_a1, p.inspector, s) for s in ("found", "deadline", "fixed")}
    made["closed"] = make_hazard(enterprise_a1, p.inspector, "closed")
    made["void"] = make_hazard(enterprise_a1, p.inspector, "void")
    assert numbers(p.supervisor, {"status": state}) == [made[state].number]


def test_overdue_is_read_at_the_as_of_date(personas, enterprise_a1):
    p = personas
    h = make_hazard(enterprise_a1, p.inspector, "deadline", at=days_ago(20))
    deadline = h.deadline  # 14 days after found: 6 days ago
    assert numbers(p.supervisor, {"status": "overdue"}) == [h.number]
    before = (deadline - timedelta(days=1)).isoformat()
    assert numbers(p.supervisor, {"status": "overdue", "as_of": before}) == []
    on_time = make_hazard(enterprise_a1, p.inspector, "deadline")
    assert on_time.number not in numbers(p.supervisor, {"status": "overdue"})


def test_rectified_counts_general_fixed_but_a_major_only_when_closed(personas, enterprise_a1):
    p = personas
    general_fixed = make_hazard(enterprise_a1, p.inspector, "fixed")
    general_closed = make_hazard(enterprise_a1, p.inspector, "closed")
    major_fixed = make_hazard(enterprise_a1, p.inspector, "fixed", level="major")
    major_closed = make_hazard(enterprise_a1, p.inspector, "closed", level="major")
    make_hazard(enterprise_a1, p.inspector, "deadline")
    got = numbers(p.county, {"status": "rectified"})
    assert got == sorted([general_fixed.number, general_closed.number, major_closed.number])
    assert major_fixed.number not in got


def test_closed_as_of_ignores_close_outs_after_that_date(personas, enterprise_a1):
    p = personas
    h = make_hazard(enterprise_a1, p.inspector, "closed", at=days_ago(10))
    assert numbers(p.supervisor, {"status": "closed_asof"}) == [h.number]
    earlier = (h.closed_on - timedelta(days=1)).isoformat()
    assert numbers(p.supervisor, {"status": "closed_asof", "as_of": earlier}) == []


def test_on_time_needs_the_fix_by_the_original_deadline(personas, enterprise_a1):
    p = personas
    start = days_ago(30)
    found = timezone.localdate(start)
    on_time = make_hazard(enterprise_a1, p.inspector, "fixed", at=start)
    late = make_hazard(
        enterprise_a1,
        p.inspector,
        "fixed",
        at=start,
        deadline=found + timedelta(days=5),
        fixed_on=found + timedelta(days=10),
    )
    got = numbers(p.supervisor, {"status": "on_time"})
    assert on_time.number in got
    assert late.number not in got


def test_open_means_found_deadline_or_fixed(personas, enterprise_a1):
    p = personas
    opened = [make_hazard(enterprise_a1, p.inspector, s) for s in ("found", "deadline", "fixed")]
    make_hazard(enterprise_a1, p.inspector, "closed")
    assert numbers(p.supervisor, {"status": "open"}) == sorted(h.number for h in opened)


def test_level_filter(personas, enterprise_a1):
    p = personas
    make_hazard(enterprise_a1, p.inspector)
    major = make_hazard(enterprise_a1, p.inspector, level="major")
    assert numbers(p.supervisor, {"level": "major"}) == [major.number]


def test_township_filter_and_its_scope(personas, enterprise_a1, enterprise_b, grid):
    p = personas
    a = make_hazard(enterprise_a1, p.inspector)
    b = make_hazard(enterprise_b, p.other_inspector)
    assert numbers(p.county, {"township": grid.town_a.pk}) == [a.number]
    assert numbers(p.county, {"township": grid.town_b.pk}) == [b.number]
    # Another township's id is not a valid choice for a township supervisor.
    result = hazard_list(p.supervisor, {"township": grid.town_b.pk})
    assert "township" in result.form.errors
    assert list(result.qs) == []


def test_cell_filter_takes_the_cell_and_everything_beneath_it(
    personas, enterprise_a1, enterprise_a2, enterprise_b, grid
):
    p = personas
    a1 = make_hazard(enterprise_a1, p.inspector)
    a2 = make_hazard(enterprise_a2, p.supervisor)
    make_hazard(enterprise_b, p.other_inspector)
    assert numbers(p.county, {"cell": grid.village_a1.pk}) == [a1.number]
    assert numbers(p.county, {"cell": grid.area_a.pk}) == sorted([a1.number, a2.number])
    assert numbers(p.county, {"cell": grid.town_a.pk}) == sorted([a1.number, a2.number])


def test_enterprise_industry_category_and_subject_filters(personas, grid):
    p = personas
    mill = EnterpriseFactory(cell=grid.village_a1, industry="hazchem")
    shop = EnterpriseFactory(cell=grid.village_a1, industry="machinery")
    h1 = make_hazard(mill, p.inspector, category="management", subject="hazchem")
    h2 = make_hazard(shop, p.inspector, category="condition", subject="electrical")
    assert numbers(p.supervisor, {"enterprise": mill.pk}) == [h1.number]
    assert numbers(p.supervisor, {"industry": "machinery"}) == [h2.number]
    assert numbers(p.supervisor, {"category": "management"}) == [h1.number]
    assert numbers(p.supervisor, {"subject": "electrical"}) == [h2.number]


def test_date_ranges_are_inclusive(personas, enterprise_a1):
    p = personas
    old = make_hazard(enterprise_a1, p.inspector, "deadline", at=days_ago(40))
    new = make_hazard(enterprise_a1, p.inspector, "deadline", at=days_ago(3))
    f = old.found_on.isoformat()
    assert numbers(p.supervisor, {"found_from": f, "found_to": f}) == [old.number]
    assert numbers(p.supervisor, {"found_from": new.found_on.isoformat()}) == [new.number]
    d = new.deadline.isoformat()
    assert numbers(p.supervisor, {"deadline_from": d, "deadline_to": d}) == [new.number]
    assert numbers(p.supervisor, {"deadline_to": old.deadline.isoformat()}) == [old.number]


def test_inspector_filter_takes_the_finders(personas, enterprise_a1):
    p = personas
    mine = make_hazard(enterprise_a1, p.inspector)
    make_hazard(enterprise_a1, p.inspector2)
    assert numbers(p.supervisor, {"inspector": p.inspector.pk}) == [mine.number]


def test_text_search_looks_at_number_description_location_and_enterprise(personas, grid):
    p = personas
    ent = EnterpriseFactory(cell=grid.village_a1, name="红星五金厂")
    h = make_hazard(ent, p.inspector, description="灭火器过期", location="仓库北门")
    other = make_hazard(EnterpriseFactory(cell=grid.village_a1), p.inspector)
    for text in ["灭火器", "北门", "红星", h.number]:
        assert numbers(p.supervisor, {"q": text}) == [h.number], text
    assert other.number not in numbers(p.supervisor, {"q": "红星"})


def test_recurrence_and_referred_flags(personas, enterprise_a1):
    p = personas
    from hazards import workflow

    plain = make_hazard(enterprise_a1, p.inspector, level="major")
    workflow.refer_to_county(plain, by=p.supervisor, note="重大隐患移送")
    make_hazard(enterprise_a1, p.inspector)
    assert numbers(p.supervisor, {"referred": "1"}) == [plain.number]
    assert numbers(p.supervisor, {"recurrence": "1"}) == []


def test_sorting(personas, enterprise_a1):
    p = personas
    old = make_hazard(enterprise_a1, p.inspector, "deadline", at=days_ago(10))
    new = make_hazard(enterprise_a1, p.inspector, "deadline", at=days_ago(1))
    order = [h.number for h in hazard_list(p.supervisor, {}).qs]
    assert order == [new.number, old.number]
    order = [h.number for h in hazard_list(p.supervisor, {"sort": "found_on"}).qs]
    assert order == [old.number, new.number]
    order = [h.number for h in hazard_list(p.supervisor, {"sort": "deadline"}).qs]
    assert order == [old.number, new.number]
    order = [h.number for h in hazard_list(p.supervisor, {"sort": "-number"}).qs]
    assert order == sorted([old.number, new.number], reverse=True)


@pytest.mark.parametrize(
    "params",
    [
        {"found_from": "2026-02-30"},
        {"deadline_to": "明天"},
        {"as_of": "x"},
        {"status": "lost"},
        {"level": "huge"},
        {"sort": "password"},
        {"cell": "abc"},
        {"enterprise": "1; drop table"},
    ],
)
def test_an_invalid_parameter_is_a_chinese_error_and_an_empty_list(personas, enterprise_a1, params):
    make_hazard(enterprise_a1, personas.inspector)
    result = hazard_list(personas.supervisor, params)
    assert not result.form.is_valid()
    message = " ".join(str(m) for errs in result.form.errors.values() for m in errs)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert list(result.qs) == []


def test_tab_counts_ignore_the_status_filter_but_keep_the_others(personas, enterprise_a1, grid):
    p = personas
    make_hazard(enterprise_a1, p.inspector, "found")
    make_hazard(enterprise_a1, p.inspector, "deadline", at=days_ago(20))  # overdue
    make_hazard(enterprise_a1, p.inspector, "fixed")
    make_hazard(enterprise_a1, p.inspector, "void")
    make_hazard(enterprise_a1, p.inspector, "found", level="major")
    counts = hazard_list(p.supervisor, {"status": "fixed", "level": "general"}).tab_counts()
    assert counts == {
        "": 3,
        "found": 1,
        "deadline": 1,
        "overdue": 1,
        "fixed": 1,
        "closed": 0,
        "void": 1,
    }


def test_the_list_never_leaves_the_users_scope(personas, enterprise_a1, enterprise_b):
    make_hazard(enterprise_b, personas.other_inspector)
    mine = make_hazard(enterprise_a1, personas.inspector)
    assert numbers(personas.inspector, {}) == [mine.number]
    assert numbers(personas.inspector, {"enterprise": enterprise_b.pk}) == []


def test_as_of_defaults_to_today_in_shanghai(personas, time_machine):
    time_machine.move_to(datetime.fromisoformat("2026-03-01 00:30 +08:00"))
    result = hazard_list(personas.supervisor, {})
    assert result.as_of_date.isoformat() == "2026-03-01"


def test_two_filter_sets_share_no_filter_field_or_queryset(personas, grid):
    """Each filter set copies the declared filters for itself (not deep-copied, issue 17):
    one user's scope options never reach another's form, and the declaration stays bare."""
    from hazards.selectors import Ledger

    county = hazard_list(personas.county, {})
    township = hazard_list(personas.supervisor, {})
    for name in ("township", "cell", "inspector", "status"):
        assert county.filters[name] is not township.filters[name]
        assert county.filters[name].extra is not township.filters[name].extra
        assert county.form.fields[name] is not township.form.fields[name]
        assert county.form.fields[name].widget is not township.form.fields[name].widget
        assert "_field" not in Ledger.base_filters[name].__dict__
    county_towns = {c.pk for c in county.form.fields["township"].queryset}
    township_towns = {c.pk for c in township.form.fields["township"].queryset}
    assert township_towns == {grid.town_a.pk} < county_towns
    # A method filter calls the filter set it belongs to.
    assert county.filters["status"].filter.f is county.filters["status"]
    assert county.filters["status"].parent is county
