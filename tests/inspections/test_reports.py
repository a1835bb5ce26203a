import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import RiskColour
from inspections import selectors, services
from inspections.models import InspectionGroup
from tests.conftest import login
from tests.factories import EnterpriseFactory, today
from tests.inspections.conftest import answer_all, start_inspection


def _submitted(enterprise, by, checklist, on=None, inspectors=None, fail=()):
    inspection = start_inspection(
        enterprise, by, checklist, on=on or today(), inspectors=inspectors
    )
    answer_all(inspection, by, overrides={p: "fail" for p in fail})
    services.submit(inspection, by=by, representative="甲")
    return inspection


@pytest.fixture
def known(grid, personas, checklist, settings):
    """Village A1: 4 enterprises (one closed), 2 inspected this month (one twice), one
    inspected only by a draft, one inspected last year. Village A2: 1, not inspected."""
    settings.HAZARDTRACK_PAST_DAYS = 500  # an office that allows entering older records
    red = EnterpriseFactory(name="红色企业", cell=grid.village_a1, risk=RiskColour.RED)
    blue = EnterpriseFactory(name="蓝色企业", cell=grid.village_a1, risk=RiskColour.BLUE)
    orange = EnterpriseFactory(name="橙色企业", cell=grid.village_a1, risk=RiskColour.ORANGE)
    EnterpriseFactory(name="关闭企业", cell=grid.village_a1, status="closed")
    yellow = EnterpriseFactory(name="黄色企业", cell=grid.village_a2, risk=RiskColour.YELLOW)
    first = today().replace(day=1)
    _submitted(orange, personas.inspector, checklist, on=first)
    _submitted(orange, personas.inspector, checklist, on=today())
    _submitted(red, personas.inspector, checklist, on=first - datetime.timedelta(days=400))
    start_inspection(blue, personas.inspector, checklist)  # a draft does not count
    return red, blue, orange, yellow


def test_the_coverage_board_counts_known_data(personas, known):
    red, blue, orange, yellow = known
    board = selectors.coverage(personas.supervisor, *selectors.default_period())
    assert [t.township.name for t in board] == ["甲镇"]
    cells = {c.cell.name: c for c in board[0].cells}
    a1, a2 = cells["东村"], cells["西村"]
    assert (a1.inspected, a1.total, a1.rate) == (1, 3, 33.3)
    assert [e.name for e in a1.missing] == ["红色企业", "蓝色企业"]
    assert (a2.inspected, a2.total, a2.rate) == (0, 1, 0.0)
    assert (board[0].inspected, board[0].total) == (1, 4)


def test_a_period_reaching_back_counts_the_older_inspection(personas, known):
    start = today().replace(day=1) - datetime.timedelta(days=500)
    board = selectors.coverage(personas.county, start, today())
    a1 = next(c for t in board for c in t.cells if c.cell.name == "东村")
    assert (a1.inspected, a1.total) == (2, 3)
    assert {t.township.name for t in board} == {"甲镇", "乙镇"}


def test_the_coverage_page_is_for_supervisors_and_up(client, personas, known):
    url = reverse("inspections:coverage")
    for who in ("supervisor", "county", "admin"):
        login(client, getattr(personas, who))
        response = client.get(url)
        assert response.status_code == 200
        assert "红色企业" in response.content.decode()
    login(client, personas.inspector)
    assert client.get(url).status_code == 403
    login(client, personas.other_supervisor)
    body = client.get(url).content.decode()
    assert "红色企业" not in body and "南村" in body


def test_the_coverage_page_runs_a_constant_number_of_queries(client, personas, known, grid):
    login(client, personas.county)
    url = reverse("inspections:coverage")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        EnterpriseFactory(cell=grid.village_b1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.fixture
def crowded(grid, personas, known, monkeypatch):
    """东村 gains six not-inspected enterprises (eight in all); the board lists three of a
    village and the village page two a page."""
    from inspections import views

    monkeypatch.setattr(selectors, "MISSING_PER_CELL", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(6):
        EnterpriseFactory(name=f"未检企业{i}", cell=grid.village_a1, risk=RiskColour.BLUE)
    return known


def names_in(page):
    return [e.name for e in page]


def test_the_board_lists_the_first_not_inspected_and_counts_them_all(
    client, personas, grid, crowded
):
    response = login(client, personas.supervisor).get(reverse("inspections:coverage"))
    [town] = response.context["board"]
    a1 = next(c for c in town.cells if c.cell.name == "东村")
    assert (a1.inspected, a1.total, a1.missing_count, a1.more) == (1, 9, 8, 5)
    assert names_in(a1.missing) == ["红色企业", "未检企业0", "未检企业1"]
    body = response.content.decode()
    assert "8 家未检查" in body and "另有 5 家未列出，查看全部 8 家" in body
    assert f"cell={grid.village_a1.pk}" in body
    assert "未检企业2" not in body
    assert response.context["totals"] == {"total": 10, "inspected": 1}


# The board's rows as the template wrote them before inspections.rows took them over.
ROWS_TEMPLATE = """{% load i18n ht %}{% for c in t.cells %}
      <tr data-cell="{{ c.cell.pk }}">
        <td class="text-nowrap">{{ c.cell.name }}</td>
        <td class="text-end">{{ c.inspected }}</td>
        <td class="text-end">{{ c.total }}</td>
        <td class="text-end">{% if c.rate is None %}—{% else %}{{ c.rate }}%{% endif %}</td>
        <td class="wrap">{% if c.missing %}
          <details{% if c.missing_count <= 5 %} open{% endif %}><summary class="small">{% blocktranslate count n=c.missing_count %}{{ n }} 家未检查{% plural %}{{ n }} 家未检查{% endblocktranslate %}</summary>
          {% for e in c.missing %}<div class="small">{% risk_badge e %} {{ e.name }}</div>{% endfor %}
          </details>
          {% if c.more %}<div class="small"><a href="?{% if query %}{{ query }}&amp;{% endif %}cell={{ c.cell.pk }}">{% blocktranslate with m=c.more n=c.missing_count %}另有 {{ m }} 家未列出，查看全部 {{ n }} 家{% endblocktranslate %}</a></div>{% endif %}
        {% elif c.total %}<span class="text-success small">{% translate "已全部检查" %}</span>{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("query", ["", "date_from=2026-01-01&date_to=2026-12-31&township=2"])
def test_the_boards_rows_are_the_html_the_template_wrote(client, personas, grid, crowded, query):
    from django.template import Context, Template

    from inspections.rows import coverage_rows

    EnterpriseFactory(name="<A&B> 厂", cell=grid.village_a2, risk=RiskColour.RED)
    board = selectors.coverage(personas.county, *selectors.default_period())
    assert {c.cell.name for t in board for c in t.cells} == {"东村", "西村", "南村"}
    template = Template(ROWS_TEMPLATE)
    for t in board:  # a village with more than listed, one listing all, one with none
        expected = template.render(Context({"t": t, "query": query}))
        assert coverage_rows(t.cells, query) == expected
    body = login(client, personas.county).get(reverse("inspections:coverage")).content.decode()
    assert "&lt;A&amp;B&gt; 厂" in body and "<tbody>\n      <tr data-cell=" in body


def test_a_villages_whole_list_comes_a_page_at_a_time(client, personas, grid, crowded):
    login(client, personas.supervisor)
    url = reverse("inspections:coverage")
    cell = {"cell": grid.village_a1.pk}
    first = client.get(url, cell)
    assert first.context["cov"].missing_count == 8
    assert names_in(first.context["page_obj"]) == ["红色企业", "未检企业0"]
    assert names_in(client.get(url, {**cell, "page": 2}).context["page_obj"]) == [
        "未检企业1",
        "未检企业2",
    ]
    last = client.get(url, {**cell, "page": 99}).context["page_obj"]  # out of range: the last
    assert names_in(last) == ["未检企业5", "蓝色企业"]
    pages = [client.get(url, {**cell, "page": n}).context["page_obj"] for n in (1, 2, 3, 4)]
    assert sum(len(p) for p in pages) == 8


def test_a_village_out_of_scope_or_not_a_village_is_not_found(client, personas, grid, crowded):
    login(client, personas.supervisor)
    url = reverse("inspections:coverage")
    for cell in (grid.village_b1.pk, grid.town_a.pk, "x", ""):
        assert client.get(url, {"cell": cell}).status_code == 404


def test_the_daily_report_counts_groups_person_times_and_hazards_per_inspector(
    personas, enterprise_a1, enterprise_a2, checklist, grid
):
    group = [personas.inspector, personas.inspector2]
    one = _submitted(enterprise_a1, personas.inspector, checklist, inspectors=group, fail=[3])
    _submitted(enterprise_a2, personas.supervisor, checklist, fail=[1, 2])
    start_inspection(enterprise_a1, personas.inspector, checklist)  # draft: not counted
    for inspection in (one, *enterprise_a2.inspections.all()):
        for item in inspection.items.filter(result="fail"):
            services.create_hazard(item, by=inspection.created_by, **services.hazard_prefill(item))
    report = selectors.daily_report(personas.supervisor, today(), grid.town_a)
    assert report["inspection_groups"] == 2
    assert report["person_times"] == 3
    assert report["enterprises"] == 2
    assert report["hazard_count"] == 3
    per = {row["user_id"]: row["hazards"] for row in report["per_inspector"]}
    assert per == {personas.inspector.pk: 1, personas.inspector2.pk: 1, personas.supervisor.pk: 2}
    yesterday = selectors.daily_report(
        personas.supervisor, today() - datetime.timedelta(days=1), grid.town_a
    )
    assert yesterday["inspection_groups"] == 0 and yesterday["hazard_count"] == 0


def test_the_daily_page_per_role(client, personas, enterprise_a1, checklist, grid):
    _submitted(enterprise_a1, personas.inspector, checklist)
    url = reverse("inspections:daily") + f"?date={today().isoformat()}&township={grid.town_a.pk}"
    for who in ("supervisor", "county", "admin"):
        login(client, getattr(personas, who))
        response = client.get(url)
        assert response.status_code == 200
        assert "东村机械厂" in response.content.decode()
    login(client, personas.inspector)
    assert client.get(url).status_code == 403
    login(client, personas.other_supervisor)
    response = client.get(url)
    assert response.status_code == 200  # an unknown township falls back to their own
    assert "东村机械厂" not in response.content.decode()


def test_the_daily_page_runs_a_constant_number_of_queries(client, personas, checklist, grid):
    login(client, personas.supervisor)
    url = reverse("inspections:daily") + f"?township={grid.town_a.pk}"
    counts = []
    for n in (1, 8):
        for _ in range(n):
            enterprise = EnterpriseFactory(cell=grid.village_a1)
            inspection = _submitted(enterprise, personas.inspector, checklist, fail=[3])
            item = inspection.items.get(position=3)
            services.create_hazard(item, by=personas.inspector, **services.hazard_prefill(item))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_the_daily_report_counts_a_group_out_at_two_enterprises_once(
    personas, enterprise_a1, enterprise_a2, checklist, grid
):
    team = InspectionGroup.objects.create(name="第12检查组", unit=grid.county)
    people = [personas.supervisor, personas.supervisor2]
    outing = services.start_outing(
        group=team, by=personas.supervisor, on=today(), present=people, guest_names="王专家"
    )
    for enterprise in (enterprise_a1, enterprise_a2):
        inspection = start_inspection(
            enterprise, personas.supervisor, checklist, inspectors=people, outing=outing
        )
        answer_all(inspection, personas.supervisor)
        services.submit(inspection, by=personas.supervisor, representative="甲")
    report = selectors.daily_report(personas.supervisor, today(), grid.town_a)
    assert (report["inspection_groups"], report["person_times"]) == (1, 3)
    assert report["enterprises"] == len(report["inspections"]) == 2


def test_the_daily_report_lists_each_hazard_with_its_labels_and_finders(
    personas, enterprise_a1, grid
):
    from tests.factories import make_hazard

    personas.inspector.first_name, personas.inspector.last_name = "张", "三"
    personas.inspector.save()
    pair = make_hazard(
        enterprise_a1,
        personas.inspector,
        "deadline",
        level="major",
        finders=[personas.inspector, personas.inspector2],
    )
    make_hazard(enterprise_a1, personas.inspector, "void")  # 作废: not reported
    report = selectors.daily_report(personas.supervisor, today(), grid.town_a)
    (row,) = report["hazards"]
    assert row["id"] == pair.pk and row["number"] == pair.number
    assert (row["level"], row["status"], row["is_major"]) == ("重大隐患", "限期整改", True)
    assert row["finders"] == f"张 三、{personas.inspector2.get_full_name()}"
    assert row["enterprise"] == "东村机械厂" and row["deadline"] == pair.deadline
