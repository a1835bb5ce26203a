"""Hostile and careless input: CSRF, password guessing, stored XSS, random form values.

Every refusal must be explained in Chinese and change nothing; nothing a user typed may
ever run as script in a page or as a formula in a spreadsheet.
"""

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enterprises.models import Enterprise
from hazards import workflow
from hazards.models import Hazard, HazardEvent
from tests.conftest import login
from tests.factories import make_hazard

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SHORT = '"><svg onload=alert(1)>'  # for fields of 24 characters and more
FORMULA = '=HYPERLINK("http://evil.example","点我")'
RAW = ("<script>alert(1)", "<img src=x onerror", "<svg onload")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
ESCAPED_SHORT = "&lt;svg onload=alert(1)&gt;"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- CSRF -----------------------------------------------------------------------------------


def test_a_login_without_the_csrf_token_is_refused(personas):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "inspector_a1", "password": "pass-12345"})

    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_login_with_the_csrf_token_goes_through(personas):
    """The control: the same client with the page's token logs in."""
    client = Client(enforce_csrf_checks=True)
    token = CSRF.search(client.get(reverse("login")).content.decode()).group(1)

    response = client.post(
        reverse("login"),
        {"username": "inspector_a1", "password": "pass-12345", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.inspector.pk)


def _deadline_form(hazard):
    return {
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "measures": "更换灭火器",
        "responsible_person": "张三",
    }


def test_a_workflow_action_without_the_csrf_token_is_refused_and_changes_nothing(
    personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    client = login(Client(enforce_csrf_checks=True), personas.inspector)
    url = reverse("hazards:set_deadline", args=[hazard.pk])

    response = client.post(url, _deadline_form(hazard))

    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == "found"
    assert HazardEvent.objects.filter(hazard=hazard).count() == 1

    # The control: with the token from the hazard page the same POST goes through.
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    data = {**_deadline_form(hazard), "csrfmiddlewaretoken": CSRF.search(page).group(1)}
    assert client.post(url, data).status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "deadline"


# --- Login throttling -----------------------------------------------------------------------


def _try_login(client, username, password, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, personas):
    for _ in range(4):
        response = _try_login(client, "inspector_a1", "wrong-password")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    locked = _try_login(client, "inspector_a1", "wrong-password")
    assert "登录已暂时锁定" in locked.content.decode()

    response = _try_login(client, "inspector_a1", "pass-12345")

    assert response.status_code in (403, 429)
    assert "登录已暂时锁定" in response.content.decode()
    assert "请 15 分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_account_stays_locked_from_another_address(client, personas):
    for _ in range(5):
        _try_login(client, "inspector_a1", "wrong-password", address="10.0.0.1")

    response = _try_login(client, "inspector_a1", "pass-12345", address="10.0.0.2")

    assert response.status_code in (403, 429)
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_account_from_another_address_logs_in_during_a_lockout(client, personas):
    for _ in range(5):
        _try_login(client, "inspector_a1", "wrong-password", address="10.0.0.1")

    response = _try_login(client, "inspector2_a1", "pass-12345", address="10.0.0.2")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.inspector2.pk)


def test_one_address_guessing_across_usernames_is_locked_out(client, personas):
    """One wrong password on each of five accounts: the address, not an account, is locked."""
    for username in ["inspector_a1", "inspector2_a1", "supervisor_a", "supervisor2_a", "county"]:
        response = _try_login(client, username, "wrong-password", address="10.0.0.9")
    assert "登录已暂时锁定" in response.content.decode()

    refused = _try_login(client, "inspector_b", "pass-12345", address="10.0.0.9")
    elsewhere = _try_login(Client(), "inspector_b", "pass-12345", address="10.0.0.10")

    assert refused.status_code in (403, 429)
    assert "登录已暂时锁定" in refused.content.decode()
    assert elsewhere.status_code == 302


def test_four_wrong_passwords_then_the_right_one_logs_in(client, personas):
    for _ in range(4):
        _try_login(client, "inspector_a1", "wrong-password")

    response = _try_login(client, "inspector_a1", "pass-12345")

    assert response.status_code == 302


# --- Stored XSS -----------------------------------------------------------------------------


def _payload_for(field):
    max_length = getattr(field, "max_length", None)
    if max_length is None or max_length >= len(SCRIPT + ATTRIBUTE):
        return SCRIPT + ATTRIBUTE
    if max_length >= len(ATTRIBUTE):
        return ATTRIBUTE
    return SHORT


def _text_fields(model, skip=()):
    from django.db import models

    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in skip
        and f.concrete
    ]


@pytest.fixture
def hostile(personas, enterprise_a1):
    """An enterprise and hazards with a payload in every free-text field."""
    fields = _text_fields(Enterprise, skip={"uscc"})
    Enterprise.objects.filter(pk=enterprise_a1.pk).update(
        **{f.name: _payload_for(f) for f in fields}
    )
    past = timezone.now() - timedelta(days=40)
    overdue = make_hazard(enterprise_a1, personas.inspector, "deadline", at=past, level="major")
    fixed = make_hazard(enterprise_a1, personas.inspector, "fixed")
    closed = make_hazard(enterprise_a1, personas.inspector, "closed")
    order = workflow.issue_order(
        overdue,
        by=personas.supervisor,
        deadline=timezone.localdate() + timedelta(days=3),
        requirements=SCRIPT + ATTRIBUTE,
        document_number=ATTRIBUTE,
        authority=ATTRIBUTE,
    )
    from inspections import services as inspections
    from inspections.models import ChecklistTemplate

    inspection = inspections.start(
        enterprise=enterprise_a1,
        by=personas.inspector,
        template=ChecklistTemplate.objects.filter(is_active=True).first(),
        inspectors=[personas.inspector],
        kind="routine",
        on=timezone.localdate(),
        notes=SCRIPT + ATTRIBUTE,
    )
    hazard_fields = _text_fields(Hazard, skip={"number", "industry"})
    values = {f.name: _payload_for(f) for f in hazard_fields}
    values["location"] = FORMULA
    for hazard in (overdue, fixed, closed):
        Hazard.objects.filter(pk=hazard.pk).update(**values)
    HazardEvent.objects.filter(hazard__enterprise=enterprise_a1).update(note=SCRIPT + ATTRIBUTE)
    assert {f.name for f in fields} >= {"name", "address", "legal_representative", "phone"}
    assert {f.name for f in hazard_fields} >= {"description", "measures", "acceptance_note"}
    return {
        "enterprise": enterprise_a1,
        "hazards": [overdue, fixed, closed],
        "order": order,
        "inspection": inspection,
    }


def _assert_escaped(response, page):
    assert response.status_code == 200, page
    html = response.content.decode()
    for raw in RAW:
        assert raw not in html, f"{page}: {raw!r} came out unescaped"
    assert any(e in html for e in (*ESCAPED, ESCAPED_SHORT)), f"{page} shows no payload"


def test_payloads_in_every_text_field_come_out_escaped_on_every_page(client, personas, hostile):
    enterprise = hostile["enterprise"]
    overdue, fixed, closed = hostile["hazards"]
    pages = {
        "enterprise list": reverse("enterprises:list"),
        "enterprise detail": reverse("enterprises:detail", args=[enterprise.pk]),
        "enterprise edit": reverse("enterprises:edit", args=[enterprise.pk]),
        "hazard ledger": reverse("hazards:list"),
        "hazard ledger, searched": reverse("hazards:list") + "?q=alert",
        "overdue board": reverse("hazards:overdue"),
        "orders": reverse("hazards:orders"),
        "order (print)": reverse("hazards:order_detail", args=[hostile["order"].pk]),
        "notice for an enterprise (print)": reverse("hazards:notice_enterprise")
        + f"?enterprise={enterprise.pk}",
        "register": reverse("hazards:register") + f"?enterprise={enterprise.pk}",
        "inspections": reverse("inspections:list"),
        "inspection": reverse("inspections:detail", args=[hostile["inspection"].pk]),
        "inspection (print)": reverse("inspections:print", args=[hostile["inspection"].pk]),
        "start inspection": reverse("inspections:start") + f"?enterprise={enterprise.pk}",
    }
    for hazard in (overdue, fixed, closed):
        pages[f"hazard {hazard.status}"] = reverse("hazards:detail", args=[hazard.pk])
        pages[f"notice {hazard.status} (print)"] = reverse("hazards:notice", args=[hazard.pk])
    login(client, personas.supervisor)
    for page, url in pages.items():
        _assert_escaped(client.get(url), page)
    login(client, personas.inspector)
    _assert_escaped(client.get(reverse("hazards:my_work")), "my work")


def _xlsx_cells(response):
    body = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(body))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize(
    "export",
    [
        "reports:export_ledger",
        "reports:export_overdue",
        "reports:export_summary",
        "reports:export_daily",
    ],
)
def test_payloads_come_out_as_plain_text_cells_in_the_exports(
    client, personas, grid, hostile, export
):
    from grid.models import GridCell

    # Cell names are typed by administrators: the summary and daily tables show them.
    GridCell.objects.filter(pk__in=[grid.town_a.pk, grid.village_a1.pk]).update(name=SHORT)
    login(client, personas.supervisor)

    response = client.get(reverse(export))

    assert response.status_code == 200
    cells = list(_xlsx_cells(response))
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    hostile_cells = [c for c in cells if isinstance(c.value, str) and "alert(1)" in c.value]
    assert hostile_cells, "the export shows none of the payloads"
    for cell in hostile_cells:
        assert cell.data_type == "s"
        # Written verbatim (alone or inside a title line), never altered or evaluated.
        assert any(p in cell.value for p in (SCRIPT + ATTRIBUTE, ATTRIBUTE, SHORT))
    if export == "reports:export_ledger":
        formula_cells = [c for c in cells if c.value == FORMULA]
        assert formula_cells
        assert all(c.data_type == "s" for c in formula_cells)


# --- Random input: no 500, every refusal explained in Chinese -------------------------------

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from enterprises.imports import HEADERS  # noqa: E402
from hazards.imports import COLUMNS as _HAZARD_COLUMNS  # noqa: E402
from tests.factories import valid_uscc  # noqa: E402

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PROPERTY = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
texts = st.text(max_size=250)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", "2026-02-30", "明天", "0000-00-00", "2026/13/01"]),
    texts,
)
numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.sampled_from(["", "-1", "1e309", "一百"]),
    texts,
)


def _choice(values):
    return st.one_of(st.sampled_from(list(values)), texts)


def _refusal_is_explained(response):
    """A refused POST re-renders the page with Chinese form errors or a Chinese message."""
    assert response.status_code < 500
    if response.status_code == 302:
        return False
    explained = []
    form = (response.context or {}).get("form") if response.context else None
    if form is not None and form.errors:
        explained += [m for messages in form.errors.values() for m in messages]
    if response.context and "messages" in response.context:
        explained += [str(m) for m in response.context["messages"]]
    if response.context and response.context.get("message"):
        explained.append(str(response.context["message"]))  # the 400 page
    result = response.context.get("result") if response.context else None
    if result is not None and getattr(result, "errors", None):
        explained += [str(e[2]) for e in result.errors]
    assert explained, f"HTTP {response.status_code} with no explanation"
    assert all(CHINESE.search(str(m)) for m in explained), explained
    return True


@pytest.mark.django_db
@PROPERTY
@given(
    name=texts,
    uscc=st.one_of(texts, st.randoms(use_true_random=False).map(valid_uscc)),
    industry=_choice(["machinery", "hazchem", "other"]),
    scale=_choice(["above", "below"]),
    address=texts,
    phone=texts,
    risk=_choice(["red", "orange", "yellow", "blue"]),
    status=_choice(["operating", "closed"]),
    cell=st.one_of(st.integers().map(str), texts),
)
def test_the_enterprise_form_never_fails_and_explains_every_refusal(
    client, personas, grid, name, uscc, industry, scale, address, phone, risk, status, cell
):
    login(client, personas.supervisor)
    cell = str(grid.village_a1.pk) if cell == "0" else cell
    before = Enterprise.objects.count()
    response = client.post(
        reverse("enterprises:create"),
        {
            "name": name,
            "uscc": uscc,
            "industry": industry,
            "scale": scale,
            "cell": cell,
            "address": address,
            "legal_representative": name[:50],
            "safety_officer": "",
            "phone": phone,
            "risk": risk,
            "status": status,
        },
    )
    refused = _refusal_is_explained(response)
    assert Enterprise.objects.count() == before + (0 if refused else 1)


@pytest.mark.django_db
@PROPERTY
@given(
    level=_choice(["general", "major"]),
    category=_choice(["condition", "behaviour", "management"]),
    subject=_choice(["fire", "electrical", "other"]),
    description=texts,
    location=texts,
    found_on=dates,
    basis=texts,
    fixed_on_spot=st.sampled_from(["", "on", "garbage"]),
)
def test_the_register_form_never_fails_and_explains_every_refusal(
    client,
    personas,
    enterprise_a1,
    level,
    category,
    subject,
    description,
    location,
    found_on,
    basis,
    fixed_on_spot,
):
    login(client, personas.inspector)
    before = Hazard.objects.count()
    response = client.post(
        reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}",
        {
            "level": level,
            "category": category,
            "subject": subject,
            "description": description,
            "location": location,
            "found_on": found_on,
            "basis_standard": basis,
            "basis_clause": basis,
            "fixed_on_spot": fixed_on_spot,
        },
    )
    refused = _refusal_is_explained(response)
    assert Hazard.objects.count() == before + (0 if refused else 1)


@pytest.mark.django_db
@PROPERTY
@given(
    deadline=dates,
    measures=texts,
    responsible_person=texts,
    funds=numbers,
    contingency=texts,
)
def test_the_set_deadline_form_never_fails_and_explains_every_refusal(
    client, personas, enterprise_a1, deadline, measures, responsible_person, funds, contingency
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    login(client, personas.inspector)
    response = client.post(
        reverse("hazards:set_deadline", args=[hazard.pk]),
        {
            "deadline": deadline,
            "measures": measures,
            "responsible_person": responsible_person,
            "funds_yuan": funds,
            "contingency_plan": contingency,
        },
    )
    refused = _refusal_is_explained(response)
    hazard.refresh_from_db()
    assert hazard.status == ("found" if refused else "deadline")
    assert hazard.events.count() == (1 if refused else 2)


@pytest.mark.django_db
@PROPERTY
@given(
    kind=_choice(["routine", "special", "recheck", "enforcement"]),
    template=st.one_of(st.integers().map(str), texts),
    inspectors=st.lists(st.one_of(st.integers().map(str), texts), max_size=3),
    date=dates,
    notes=texts,
    enforcement=st.sampled_from(["", "on"]),
)
def test_starting_an_inspection_never_fails_and_explains_every_refusal(
    client, personas, enterprise_a1, kind, template, inspectors, date, notes, enforcement
):
    from inspections.models import ChecklistTemplate, Inspection

    if template == "0":
        template = str(ChecklistTemplate.objects.filter(is_active=True).first().pk)
    inspectors = [str(personas.inspector.pk) if i == "0" else i for i in inspectors]
    login(client, personas.inspector)
    before = Inspection.objects.count()
    response = client.post(
        reverse("inspections:start") + f"?enterprise={enterprise_a1.pk}",
        {
            "enterprise": enterprise_a1.pk,
            "kind": kind,
            "template": template,
            "inspectors": inspectors,
            "date": date,
            "notes": notes,
            "is_enforcement": enforcement,
        },
    )
    refused = _refusal_is_explained(response)
    assert Inspection.objects.count() == before + (0 if refused else 1)


cell_values = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.booleans(),
    st.randoms(use_true_random=False).map(valid_uscc),
    st.sampled_from(["工贸-机械", "危险化学品", "甲镇/第一工作区/东村", "红", "规模以上"]),
)


def _workbook(rows, headers=HEADERS):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(
            [
                v.replace("\x00", "") if isinstance(v, str) else v
                for v in (row + [None] * len(headers))[: len(headers)]
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
@PROPERTY
@given(
    rows=st.lists(st.lists(cell_values, max_size=len(HEADERS)), min_size=1, max_size=6),
    dry_run=st.booleans(),
)
def test_the_enterprise_import_never_fails_and_explains_every_refusal(
    client, personas, grid, rows, dry_run
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        data = _workbook(rows)
    except IllegalCharacterError:
        return  # a value openpyxl itself cannot write into a file
    login(client, personas.admin)
    before = Enterprise.objects.count()
    upload = SimpleUploadedFile("企业.xlsx", data)
    response = client.post(
        reverse("enterprises:import"), {"file": upload, "dry_run": "on" if dry_run else ""}
    )
    assert response.status_code in (200, 400)
    result = response.context["result"]
    if response.status_code == 400:
        assert _refusal_is_explained(response)
        for row, column, _message in result.errors:
            assert row is None or row >= 2
            assert column in (None, "") or column in HEADERS
        assert Enterprise.objects.count() == before  # all or nothing
    elif dry_run:
        assert Enterprise.objects.count() == before


@pytest.mark.django_db
@PROPERTY
@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.xlsx", "x.xls", "x.csv"]))
def test_a_file_that_is_no_workbook_is_refused_with_a_message(client, personas, data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, personas.admin)
    response = client.post(reverse("enterprises:import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code in (200, 400)
    assert _refusal_is_explained(response)
    assert Enterprise.objects.count() == 0


# --- Ids beyond 64 bits ---------------------------------------------------------------------

TOO_BIG = str(2**63)


@pytest.mark.parametrize(
    "url",
    [
        f"/hazards/{TOO_BIG}/",
        f"/enterprises/{TOO_BIG}/",
        f"/inspections/{TOO_BIG}/",
        f"/hazards/register/?enterprise={TOO_BIG}",
        f"/hazards/?enterprise={TOO_BIG}",
        f"/hazards/?enterprise=-{TOO_BIG}",
        f"/enterprises/?cell={TOO_BIG}",
        f"/inspections/?enterprise={TOO_BIG}",
        f"/hazards/notice/?enterprise={TOO_BIG}",
        f"/inspections/start/?enterprise={TOO_BIG}",
        # str.isdigit() is true for "²" and "٣", which int() refuses or reads as 3.
        "/hazards/register/?enterprise=²",
        "/hazards/notice/?enterprise=²",
        "/inspections/start/?enterprise=²",
        "/inspections/?enterprise=²",
        "/inspections/enforcement/new/?inspection=²&hazard=²",
        "/hazards/?enterprise=²",
    ],
)
def test_an_odd_id_in_a_url_is_answered_without_a_500(client, personas, url):
    login(client, personas.supervisor)
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code in (200, 400, 404)


def test_odd_ids_in_a_notice_list_are_ignored(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    login(client, personas.supervisor)

    response = client.get(
        reverse("hazards:notice_enterprise")
        + f"?enterprise={enterprise_a1.pk}&ids={hazard.pk},{TOO_BIG},²,-1"
    )

    assert response.status_code == 200
    assert hazard.number in response.content.decode()


@pytest.mark.parametrize(
    "url_name, field", [("enterprises:create", "inspectors"), ("inspections:start", "inspectors")]
)
def test_an_id_beyond_64_bits_in_a_multiple_choice_is_refused_with_a_message(
    client, personas, enterprise_a1, url_name, field
):
    from inspections.models import Inspection

    login(client, personas.supervisor)
    client.raise_request_exception = False
    before = (Enterprise.objects.count(), Inspection.objects.count())

    response = client.post(
        reverse(url_name) + f"?enterprise={enterprise_a1.pk}",
        {"enterprise": enterprise_a1.pk, field: [TOO_BIG]},
    )

    assert response.status_code in (200, 400)
    assert _refusal_is_explained(response)
    assert (Enterprise.objects.count(), Inspection.objects.count()) == before


hazard_cell_values = st.one_of(
    cell_values,
    st.sampled_from(
        ["@USCC", "@NAME", "一般", "重大", "一般隐患", "物的不安全状态", "YH2026-000001"]
    ),
)


@pytest.mark.django_db
@PROPERTY
@given(
    rows=st.lists(
        st.lists(hazard_cell_values, max_size=len(_HAZARD_COLUMNS)), min_size=1, max_size=6
    ),
    dry_run=st.booleans(),
)
def test_the_hazard_ledger_import_never_fails_and_explains_every_refusal(
    client, personas, enterprise_a1, rows, dry_run
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl.utils.exceptions import IllegalCharacterError

    real = {"@USCC": enterprise_a1.uscc, "@NAME": enterprise_a1.name}
    rows = [[real.get(v, v) if isinstance(v, str) else v for v in row] for row in rows]
    try:
        data = _workbook(rows, headers=_HAZARD_COLUMNS)
    except IllegalCharacterError:
        return  # a value openpyxl itself cannot write into a file
    login(client, personas.county)
    before = (Hazard.objects.count(), HazardEvent.objects.count())
    response = client.post(
        reverse("hazards:import"),
        {"file": SimpleUploadedFile("台账.xlsx", data), "dry_run": "on" if dry_run else ""},
    )
    assert response.status_code in (200, 400)
    result = response.context["result"]
    if response.status_code == 400:
        assert _refusal_is_explained(response)
        for row, column, _message in result.errors:
            assert row is None or row >= 2
            assert column == "" or column in _HAZARD_COLUMNS
        assert (Hazard.objects.count(), HazardEvent.objects.count()) == before
    elif dry_run:
        assert (Hazard.objects.count(), HazardEvent.objects.count()) == before
    else:
        created = Hazard.objects.count() - before[0]
        assert created == result.created
        assert HazardEvent.objects.count() - before[1] == created  # one import event each


def test_behind_one_trusted_proxy_the_lockout_counts_the_address_the_proxy_saw(settings):
    """nginx appends the real address; what the client wrote before it is not trusted."""
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = RequestFactory().get(
        "/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3"
    )
    assert get_client_ip_address(spoofed) == "10.1.2.3"
    settings.TRUSTED_PROXY_COUNT = 0
    assert get_client_ip_address(spoofed) == "127.0.0.1"


# --- Refusals that reveal nothing outside the user's scope ----------------------------------

USCC_TAKEN = "该统一社会信用代码已登记，请联系县级管理员。"


def test_registering_a_credit_code_taken_in_another_township_says_only_that_it_is_taken(
    client, personas, grid, enterprise_b
):
    login(client, personas.supervisor)

    response = client.post(
        reverse("enterprises:create"),
        {
            "name": "东村新厂",
            "uscc": enterprise_b.uscc,
            "industry": enterprise_b.industry,
            "scale": "above",
            "cell": grid.village_a1.pk,
            "risk": "blue",
            "status": "operating",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert USCC_TAKEN in body
    assert enterprise_b.name not in body and "乙镇" not in body
    assert Enterprise.objects.filter(uscc=enterprise_b.uscc).count() == 1


def test_importing_a_credit_code_taken_outside_scope_says_only_that_it_is_taken(
    personas, grid, enterprise_b, monkeypatch
):
    from enterprises.imports import import_enterprises
    from grid import roles, scoping
    from tests.enterprises.helpers import register_row
    from tests.enterprises.test_imports import xlsx

    monkeypatch.setitem(scoping._ALLOWED, "enterprise.import", {roles.SUPERVISOR})

    result = import_enterprises(
        xlsx(register_row("改名", enterprise_b.uscc)), by=personas.supervisor
    )

    assert result.errors == [(2, "统一社会信用代码", USCC_TAKEN)]


@pytest.fixture
def other_county_hazard(db):
    """A hazard in a county the county officer of 示范县 does not oversee."""
    from grid import roles
    from grid.models import GridCell
    from tests.factories import EnterpriseFactory, UserFactory, make_cell

    county = make_cell("邻县", GridCell.Level.COUNTY)
    town = make_cell("丙镇", GridCell.Level.TOWNSHIP, county)
    area = make_cell("第一工作区", GridCell.Level.AREA, town)
    village = make_cell("北村", GridCell.Level.VILLAGE, area)
    inspector = UserFactory(username="inspector_c", role=roles.INSPECTOR, cells=[village])
    enterprise = EnterpriseFactory(name="北村化工厂", cell=village)
    return make_hazard(enterprise, inspector, description="储罐区无围堰")


def _ledger_row(enterprise, number, description):
    from tests.hazards.test_import import row

    return row(enterprise, 隐患编号=number, 隐患描述=description)


def test_a_hazard_number_taken_outside_scope_is_refused_without_comparing_its_content(
    personas, enterprise_a1, other_county_hazard
):
    from hazards.imports import import_hazards
    from tests.hazards.test_import import upload, xlsx

    number = other_county_hazard.number
    result = import_hazards(
        upload(xlsx([_ledger_row(enterprise_a1, number, "配电箱未接地")])), by=personas.county
    )

    [error] = result.errors
    assert (error.row, error.column) == (2, "隐患编号")
    assert error.message == (
        f"隐患编号 {number} 已被使用，请清空编号由系统重新编号，或联系县级管理员。"
    )
    assert Hazard.objects.count() == 1


def test_a_hazard_number_in_scope_is_still_compared_column_by_column(personas, enterprise_a1):
    """The control: within the importer's scope the differing columns are named."""
    from hazards.imports import import_hazards
    from tests.hazards.test_import import upload, xlsx

    hazard = make_hazard(enterprise_a1, personas.inspector, description="灭火器过期")
    result = import_hazards(
        upload(xlsx([_ledger_row(enterprise_a1, hazard.number, "别的隐患")])), by=personas.county
    )

    [error] = result.errors
    assert "隐患描述" in error.message and "不会被改写" in error.message
