"""The demo county: deterministic for a seed, loaded once, and scoped like real data."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core import demo
from enterprises.models import Enterprise, Industry
from grid import roles, scoping
from grid.models import GridCell

pytestmark = pytest.mark.django_db

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def no_activity(monkeypatch):
    """Keep other areas' demo activity out of these tests."""
    monkeypatch.setattr("core.demo.build_activity", lambda county: None)


def test_the_plan_is_the_same_for_the_same_seed_and_differs_for_another():
    first, rng1 = demo.plan(7)
    second, rng2 = demo.plan(7)
    assert first == second
    assert rng1.random() == rng2.random()
    assert demo.plan(8)[0]["enterprises"] != first["enterprises"]


def test_the_plan_has_what_the_issue_asks_for():
    data, _rng = demo.plan(demo.DEFAULT_SEED)
    assert len(data["townships"]) >= 3
    for township in data["townships"]:
        assert 2 <= len(township["areas"]) <= 3
        assert all(2 <= len(a["villages"]) <= 4 for a in township["areas"])
    enterprises = data["enterprises"]
    assert len(enterprises) >= 150
    assert {e["industry"] for e in enterprises} == set(Industry.values)
    assert len({e["uscc"] for e in enterprises}) == len(enterprises)
    assert {u["role"] for u in data["users"]} == set(roles.GROUP_NAMES)


def test_seed_demo_writes_the_plan(no_activity, capsys):
    call_command("seed_demo", "--seed", "7")
    data, _rng = demo.plan(7)
    stored = {
        (e.name, e.uscc, e.cell.name, e.risk, e.industry)
        for e in Enterprise.objects.select_related("cell")
    }
    planned = {
        (e["name"], e["uscc"], e["village"][2], e["risk"], e["industry"])
        for e in data["enterprises"]
    }
    assert stored == planned
    out = capsys.readouterr().out
    assert "已装入演示数据" in out and "wgy11" in out and demo.DEMO_PASSWORD in out


def test_every_demo_enterprise_is_valid_and_has_a_responsible_inspector(no_activity):
    county = demo.build(3)
    for enterprise in Enterprise.objects.all():
        enterprise.full_clean()
        assert enterprise.township_id == enterprise.cell.township_id
        assert enterprise.cell.level == GridCell.Level.VILLAGE
    assert not Enterprise.objects.filter(inspectors=None).exists()
    assert len(county.enterprises) == Enterprise.objects.count()


def test_seed_demo_with_if_empty_does_nothing_the_second_time(no_activity, capsys):
    call_command("seed_demo", "--if-empty")
    counts = (GridCell.objects.count(), Enterprise.objects.count())
    call_command("seed_demo", "--if-empty")
    assert (GridCell.objects.count(), Enterprise.objects.count()) == counts
    assert "未装入演示数据" in capsys.readouterr().out


def test_seed_demo_refuses_a_database_that_has_a_grid(no_activity, grid):
    with pytest.raises(CommandError, match="只能装入空数据库"):
        call_command("seed_demo")
    assert not Enterprise.objects.exists()


def test_seed_demo_builds_the_field_work_for_the_county_it_made(monkeypatch):
    seen = []
    monkeypatch.setattr("core.demo.build_activity", seen.append)
    call_command("seed_demo", "--seed", "5")
    assert len(seen) == 1
    assert isinstance(seen[0], demo.DemoCounty) and seen[0].seed == 5


def test_demo_logins_lists_every_role_and_hides_a_changed_password(no_activity, capsys):
    call_command("demo_logins")
    assert "没有演示数据" in capsys.readouterr().out
    county = demo.build()
    inspector = county.users_of(roles.INSPECTOR)[0]
    inspector.set_password("a-new-secret")
    inspector.save()
    call_command("demo_logins")
    out = capsys.readouterr().out
    for username in ["admin", "county1", "zhen1", "wgy12"]:
        assert username in out
    line = next(line for line in out.splitlines() if inspector.username in line)
    assert demo.DEMO_PASSWORD not in line and "已修改" in line
    for label in ["管理员", "县级", "乡镇监管", "网格员"]:
        assert label in out


def test_a_demo_inspector_on_a_phone_sees_only_the_enterprises_of_their_cells(client, no_activity):
    county = demo.build()
    inspector = next(u for u in county.users_of(roles.INSPECTOR) if u.username == "wgy12")
    response = client.post(
        reverse("login"),
        {"username": "wgy12", "password": demo.DEMO_PASSWORD},
        HTTP_USER_AGENT=IPHONE,
    )
    assert response.status_code == 302
    response = client.get(reverse("enterprises:list"), HTTP_USER_AGENT=IPHONE)
    assert 'name="viewport" content="width=device-width' in response.content.decode()
    cells = set(inspector.grid_assignments.values_list("cell_id", flat=True))
    expected = set(Enterprise.objects.filter(cell_id__in=cells).values_list("name", flat=True))
    assert expected
    page = response.context["page_obj"]
    assert page.paginator.count == len(expected)
    assert {e.name for e in page.object_list} == expected
    outside = Enterprise.objects.exclude(cell_id__in=cells).first()
    assert client.get(reverse("enterprises:detail", args=[outside.pk])).status_code == 404


def test_a_demo_supervisor_sees_the_whole_township_and_the_county_user_everything(
    client, no_activity
):
    county = demo.build()
    supervisor = county.users_of(roles.SUPERVISOR)[0]
    township = supervisor.grid_assignments.get().cell
    assert set(scoping.enterprises_for(supervisor)) == set(
        Enterprise.objects.filter(township=township)
    )
    client.post(reverse("login"), {"username": "county1", "password": demo.DEMO_PASSWORD})
    response = client.get(reverse("enterprises:list"))
    assert response.context["page_obj"].paginator.count == Enterprise.objects.count()


def test_each_app_contributes_its_part_from_its_demo_module_in_installed_apps_order():
    from enterprises import demo as enterprises_demo
    from grid import demo as grid_demo
    from inspections import demo as inspections_demo

    assert demo._steps("plan_county") == [grid_demo.plan_county, enterprises_demo.plan_county]
    assert demo._steps("build_county") == [grid_demo.build_county, enterprises_demo.build_county]
    assert demo._steps("build_activity") == [
        enterprises_demo.build_activity,  # the demo accounts' self-reports
        inspections_demo.build_activity,
    ]
