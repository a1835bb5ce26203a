"""The ledger rendered without per-row template work and without Django's widget templates
(issue 17): the same HTML as before, the 来源 filter, and the 判定依据 of a list of major
hazards (issue 15) read in one query for the whole page."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.db import connection
from django.template.defaultfilters import truncatechars
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext_lazy

from hazards.models import Hazard, Source
from hazards.widgets import (
    OptionBlock,
    PlainDateInput,
    PlainHiddenInput,
    PlainSelect,
    PlainTextInput,
)
from tests.conftest import login
from tests.factories import make_criterion, make_hazard, make_standard

pytestmark = pytest.mark.django_db
URL = reverse("hazards:list")


def squeezed(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


# --- the widgets --------------------------------------------------------------------------


CHOICES = [("", "全部"), (1, "东村 <一组> & “二组”"), (2, '"引号"'), (3, "\u3000南村")]


@pytest.mark.parametrize("value", [None, "", "1", 2, "9"])
def test_a_plain_select_writes_what_django_s_select_writes(value):
    attrs = {"id": "id_cell", "class": "form-select form-select-sm", "aria-describedby": "h"}
    plain = PlainSelect(choices=CHOICES).render("cell", value, attrs)
    django = forms.Select(choices=CHOICES).render("cell", value, attrs)
    assert squeezed(plain) == squeezed(django)


@pytest.mark.parametrize(
    ("plain", "django", "value"),
    [
        (
            PlainTextInput(attrs={"placeholder": "编号"}),
            forms.TextInput(attrs={"placeholder": "编号"}),
            'a"<b>',
        ),
        (PlainTextInput(), forms.TextInput(), None),
        (
            PlainDateInput(attrs={"type": "date"}),
            forms.DateInput(attrs={"type": "date"}),
            timezone.localdate(),
        ),
        (PlainHiddenInput(), forms.HiddenInput(), 17),
    ],
)
def test_a_plain_input_writes_what_django_s_input_writes(plain, django, value):
    attrs = {"id": "id_x", "class": "form-control form-control-sm", "required": True}
    assert plain.render("x", value, attrs) == squeezed(django.render("x", value, attrs))


@pytest.mark.parametrize("name", ["township", "cell", "inspector"])
def test_the_county_s_scope_filters_list_what_the_field_s_own_choices_list(
    client, personas, grid, name
):
    """Every cell in the grid's order (indented), every inspector, the chosen one selected:
    what Django's select of the field's model choices draws."""
    chosen = {"township": grid.town_a, "cell": grid.village_a1, "inspector": personas.inspector}
    login(client, personas.county)
    response = client.get(URL, {name: chosen[name].pk})
    html = response.content.decode()
    drawn = re.search(rf'<select name="{name}"([^>]*)>(.*?)</select>', html, re.S)
    field = response.context["filter"].form[name]
    django = forms.Select(choices=list(field.field.choices)).render(name, str(chosen[name].pk))
    assert squeezed(drawn.group(2)) == squeezed(django.split(">", 1)[1].rsplit("</select>")[0])
    assert f' id="id_{name}"' in drawn.group(1)
    assert f'<label class="form-label small mb-1" for="id_{name}">' in html
    assert drawn.group(2).count("<option") > 2


def test_the_inspector_filter_shows_full_names_and_else_the_user_name(client, personas):
    personas.inspector.first_name, personas.inspector.last_name = "", ""
    personas.inspector.save()
    personas.inspector2.first_name, personas.inspector2.last_name = "李", "四"
    personas.inspector2.save()
    login(client, personas.supervisor)
    html = client.get(URL).content.decode()
    select = re.search(r'<select name="inspector"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert (
        f'<option value="{personas.inspector.pk}">{personas.inspector.username}</option>' in select
    )
    assert f'<option value="{personas.inspector2.pk}">李 四</option>' in select


# --- the rows -----------------------------------------------------------------------------


def row_of(html, number):
    return re.search(rf"<tr><td><a [^>]*>{re.escape(number)}</a>.*?</tr>", html, re.S).group(0)


def test_a_row_links_its_hazard_escapes_its_text_and_labels_each_cell_for_the_phone(
    client, personas, enterprise_a1
):
    hazard = make_hazard(
        enterprise_a1,
        personas.inspector,
        "found",
        description="<script>alert(1)</script>" + "长" * 90,
    )
    login(client, personas.supervisor)
    row = row_of(client.get(URL).content.decode(), hazard.number)
    assert f'href="{reverse("hazards:detail", args=[hazard.pk])}"' in row
    assert "<script>" not in row and "&lt;script&gt;" in row
    assert escape(truncatechars(hazard.description, 80)) in row and "长" * 90 not in row
    labels = re.findall(r'data-label="([^"]*)"', row)
    assert labels == ["企业", "状态", "隐患描述", "等级", "整改期限", "发现日期", "乡镇/网格"]
    assert '<span class="badge status-found">已登记</span>' in row
    assert "东村机械厂" in row


def test_an_overdue_row_carries_its_days_and_a_past_date_shows_the_state_then(
    client, personas, enterprise_a1
):
    today = timezone.localdate()
    hazard = make_hazard(
        enterprise_a1,
        personas.inspector,
        "fixed",
        at=timezone.now() - timedelta(days=30),
        deadline=today - timedelta(days=10),
        fixed_on=today - timedelta(days=2),
    )
    login(client, personas.supervisor)
    now = row_of(client.get(URL).content.decode(), hazard.number)
    assert "status-fixed" in now and "overdue-badge" not in now
    # Five days ago it was still in 限期整改, five days past its deadline (states.overlay).
    as_of = (today - timedelta(days=5)).isoformat()
    then = row_of(client.get(URL, {"as_of": as_of}).content.decode(), hazard.number)
    assert "status-deadline" in then
    assert '<span class="badge overdue-badge">逾期5天</span>' in then


def test_a_major_hazard_s_level_is_a_red_badge(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found", level="major")
    login(client, personas.county)
    row = row_of(client.get(URL).content.decode(), hazard.number)
    assert '<span class="badge text-bg-danger">重大隐患</span>' in row


# --- 来源 -----------------------------------------------------------------------------------


def test_the_ledger_filters_by_source(client, personas, enterprise_a1):
    own = make_hazard(enterprise_a1, personas.inspector, "found", description="企业自查发现")
    found = make_hazard(enterprise_a1, personas.inspector, "found", description="乡镇检查发现")
    Hazard.objects.filter(pk=own.pk).update(source=Source.SELF)
    Hazard.objects.filter(pk=found.pk).update(source=Source.TOWNSHIP)
    login(client, personas.supervisor)
    response = client.get(URL, {"source": "self"})
    assert [h.pk for h in response.context["page_obj"].object_list] == [own.pk]
    assert '<option value="self" selected>企业自查</option>' in response.content.decode()


def test_an_unknown_source_is_a_chinese_error_and_no_rows(client, personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector, "found")
    login(client, personas.supervisor)
    response = client.get(URL, {"source": "rumour"})
    assert list(response.context["page_obj"].object_list) == []
    assert "隐患来源" in response.content.decode() and "筛选条件有误" in response.content.decode()


# --- 判定依据 of the major hazards (issue 15) ------------------------------------------------


def test_the_county_s_list_of_major_hazards_shows_each_one_s_criteria(
    client, personas, enterprise_a1
):
    standard = make_standard("GM", title="工贸重大隐患标准")
    first, second = (
        make_criterion(standard, "（一）"),
        make_criterion(standard, "（二）", article="第四条"),
    )
    hazard = make_hazard(
        enterprise_a1, personas.inspector, "found", level="major", criteria=[first, second]
    )
    login(client, personas.county)
    html = client.get(URL, {"level": "major"}).content.decode()
    assert '<th scope="col">判定依据</th>' in html
    row = row_of(html, hazard.number)
    assert f'data-label="判定依据">{first.short_reference}；{second.short_reference}</td>' in row
    assert "判定依据" not in client.get(URL).content.decode()  # not on the whole ledger


def test_the_criteria_column_takes_one_query_for_any_number_of_hazards(
    client, personas, enterprise_a1, settings
):
    settings.LEDGER_TABS_CACHE_SECONDS = settings.FILTER_CHOICES_CACHE_SECONDS = 0  # counted
    criterion = make_criterion(make_standard("GM"), "（三）")
    make_hazard(enterprise_a1, personas.inspector, "found", level="major", criteria=[criterion])
    login(client, personas.county)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, {"level": "major", "status": "found"}).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(4):
        make_hazard(enterprise_a1, personas.inspector, "found", level="major", criteria=[criterion])
    assert count() == one


# --- 我的工作: the same rows through hazards.rows.work_rows --------------------------------


def test_my_work_rows_carry_the_overdue_days_the_major_badge_and_the_extension_asked(
    client, personas, enterprise_a1
):
    today = timezone.localdate()
    hazard = make_hazard(
        enterprise_a1,
        personas.inspector,
        "deadline",
        level="major",
        at=timezone.now() - timedelta(days=20),
        deadline=today - timedelta(days=4),
    )
    asked = today + timedelta(days=10)
    Hazard.objects.filter(pk=hazard.pk).update(extension_requested_until=asked)
    login(client, personas.inspector)
    html = client.get(reverse("hazards:my_work")).content.decode()
    row = re.search(
        rf'<tr><td><a href="{reverse("hazards:detail", args=[hazard.pk])}">'
        rf"{hazard.number}</a>.*?</tr>",
        html,
        re.S,
    ).group(0)
    assert re.findall(r'data-label="([^"]*)"', row) == [
        "企业",
        "状态",
        "隐患描述",
        "整改期限",
        "乡镇/网格",
    ]
    assert '<span class="badge overdue-badge">逾期4天</span>' in row
    assert '<span class="badge text-bg-danger">重大</span>' in row
    assert f"申请延期至 {asked.isoformat()}</span>" in row


class _Block:
    """Choices as the scope filters give them: the empty choice, then a block written once."""

    def __init__(self, choices):
        self.choices = choices

    def head(self):
        return self.choices[:1]

    def block(self):
        return OptionBlock.of(self.choices[1:])

    def __iter__(self):
        return iter(self.choices)


@pytest.mark.parametrize("value", [None, "", "1", 2, "9"])
def test_a_select_of_options_written_once_writes_what_django_s_select_writes(value):
    attrs = {"id": "id_cell", "class": "form-select form-select-sm"}
    plain = PlainSelect(choices=_Block(CHOICES)).render("cell", value, attrs)
    django = forms.Select(choices=CHOICES).render("cell", value, attrs)
    assert squeezed(plain) == squeezed(django)


def test_a_select_s_lazy_labels_are_read_in_the_language_of_each_request():
    """The translated labels are kept per language: a label whose text is the active
    language shows each request's own."""
    label = lazy(translation.get_language, str)()
    choices = [("", gettext_lazy("全部")), ("x", label)]
    drawn = {}
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            drawn.setdefault(language, []).append(PlainSelect(choices=choices).render("k", "x"))
    assert '<option value="x" selected>zh-hans</option>' in drawn["zh-hans"][0]
    assert '<option value="x" selected>en</option>' in drawn["en"][0]
    assert drawn["zh-hans"][0] == drawn["zh-hans"][1]
    with translation.override("en"):
        django = forms.Select(choices=choices).render("k", "x")
    assert squeezed(drawn["en"][0]) == squeezed(django)
