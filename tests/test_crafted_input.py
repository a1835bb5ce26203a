"""Crafted input on every page, as every role: a refusal in Chinese (400 or 404), never a 500.

The sweep walks config.urls itself (the ids come from ``tests/test_url_sweep.py``'s
township A), reads each page's forms and links for the parameter names it takes, and sends
each parameter "null", a NUL byte, an overlong value and values of the wrong type; POST
forms get the same values in every field at once, and every file field malformed files.
A new page or a new parameter is swept without touching this file.
"""

import io
import re
import zipfile
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from core.spreadsheets import workbook_bytes
from enterprises.models import Enterprise
from hazards.models import Hazard
from tests.conftest import login
from tests.test_url_sweep import township_a  # noqa: F401 — the fixture, one object of each kind

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NUL = "a\x00b"
# One value of each kind a crafted request sends; the NUL byte is swept separately.
VALUES = {
    "null": "null",
    "overlong": "9" * 4000,
    "wrong type": "abc",
    "negative": "-1",
    "beyond 64 bits": str(2**64),
    "list": "[]",
    "date": "2026-02-30",
}
# Pages whose POST would end the session or start real work outside the request.
NOT_POSTED = {"logout"}

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
HREF = re.compile(r'href="([^"]*\?[^"]*)"')


def all_patterns(resolver=None, namespace=""):
    """Every named URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_patterns(pattern, ns)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def forms_of(html):
    """[(method, action, {field name: type})] of every form in a page."""
    found = []
    for attrs, body in FORM.findall(html):
        attrs = dict(ATTR.findall(attrs))
        fields = {}
        for tag, field_attrs in FIELD.findall(body):
            field_attrs = dict(ATTR.findall(field_attrs))
            name = field_attrs.get("name")
            if name and name != "csrfmiddlewaretoken":
                fields[name] = field_attrs.get("type", tag.lower())
        found.append(
            (attrs.get("method", "get").lower(), unescape(attrs.get("action", "")), fields)
        )
    return found


def link_parameters(html, path):
    """Query-string names of the links a page makes to itself (sort, tabs, pages)."""
    names = set()
    for href in HREF.findall(html):
        parts = urlsplit(unescape(href))
        if parts.path in ("", path):
            names.update(name for name, _ in parse_qsl(parts.query, keep_blank_values=True))
    return names


class Sweep:
    """A client that records every 500 (with the exception) instead of stopping at it."""

    def __init__(self, user):
        self.client = login(Client(raise_request_exception=False), user)
        self.user = user
        self.failures = []
        self._exception = None

    def __enter__(self):
        got_request_exception.connect(self._record)
        return self

    def __exit__(self, *exc):
        got_request_exception.disconnect(self._record)

    def _record(self, sender, request=None, **kwargs):
        import sys

        self._exception = repr(sys.exc_info()[1])

    def ask(self, method, url, data=None, *, expect=None):
        self._exception = None
        response = getattr(self.client, method)(url, data or {})
        status = response.status_code
        body = response.content.decode(errors="replace") if status in (400, 404) else ""
        wrong = status >= 500 or (expect is not None and status not in expect)
        if status == 400 and not CHINESE.search(body):
            wrong = True
        if wrong:
            self.failures.append((self.user.username, method, url[:120], status, self._exception))
        return response


@pytest.fixture
def pages(township_a):  # noqa: F811
    """Every URL outside the admin, with an object of township A where it takes an id."""
    urls = {}
    for name in all_patterns():
        if name in NOT_POSTED:
            continue
        urls[name] = reverse(name, kwargs=township_a.get(name, {}))
    return urls


ROLES = ["inspector", "supervisor", "county", "admin"]


def _page_inputs(sweep, url):
    """(GET parameter names, POST forms) a page offers to this user."""
    response = sweep.client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set(), []
    html = response.content.decode()
    path = urlsplit(url).path
    get_names, post_forms = link_parameters(html, path), []
    for method, action, fields in forms_of(html):
        if method == "get" and urlsplit(action).path in ("", path):
            get_names.update(fields)
        elif method == "post":
            post_forms.append((action or url, fields))
    return get_names, post_forms


@pytest.mark.parametrize("role", ROLES)
def test_every_get_parameter_of_every_page_refuses_crafted_values_without_a_500(
    personas, pages, role
):
    with Sweep(getattr(personas, role)) as sweep:
        for url in pages.values():
            names, _forms = _page_inputs(sweep, url)
            for name in sorted(names):
                for value in VALUES.values():
                    sweep.ask("get", f"{url}?{urlencode({name: value})}")
        assert sweep.failures == []


@pytest.mark.parametrize("role", ROLES)
def test_every_post_form_refuses_crafted_values_without_a_500(personas, pages, role):
    with Sweep(getattr(personas, role)) as sweep:
        for url in pages.values():
            _names, post_forms = _page_inputs(sweep, url)
            for action, fields in post_forms:
                if urlsplit(action).path == reverse("logout"):
                    continue
                plain = [name for name, kind in fields.items() if kind != "file"]
                for value in VALUES.values():
                    sweep.ask("post", action, dict.fromkeys(plain, value))
        assert sweep.failures == []


@pytest.mark.parametrize("role", ROLES)
def test_a_nul_byte_in_any_parameter_of_any_page_is_refused_with_400(personas, pages, role):
    """PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"): refused at
    the door, on every database alike."""
    with Sweep(getattr(personas, role)) as sweep:
        for url in pages.values():
            names, post_forms = _page_inputs(sweep, url)
            for name in sorted(names | {"q"}):
                sweep.ask("get", f"{url}?{urlencode({name: NUL})}", expect={400})
            for action, fields in post_forms:
                plain = [name for name, kind in fields.items() if kind != "file"]
                if plain and urlsplit(action).path != reverse("logout"):
                    sweep.ask("post", action, dict.fromkeys(plain, NUL), expect={400})
        assert sweep.failures == []


def test_a_nul_byte_refusal_says_why_in_chinese_and_changes_nothing(client, personas):
    login(client, personas.supervisor)
    before = Enterprise.objects.count()

    response = client.post(reverse("enterprises:create"), {"name": "东村\x00机械厂", "uscc": "x"})

    assert response.status_code == 400
    assert "不可见的控制字符" in response.content.decode()
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize("parameter", ["status", "sort", "level", "township", "cell"])
@pytest.mark.parametrize("name", ["hazards:list", "reports:export_ledger"])
def test_null_in_a_ledger_filter_is_no_500(client, personas, name, parameter):
    """django-filter reads "null" as "is empty" when FILTERS_NULL_CHOICE_LABEL is set."""
    login(client, personas.supervisor)

    response = client.get(reverse(name), {parameter: "null"}, follow=True)

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()


# --- Malformed files ------------------------------------------------------------------------


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _doctype_workbook():
    """A real workbook whose sheet declares a DOCTYPE with an entity (billion laughs)."""
    book = zipfile.ZipFile(io.BytesIO(workbook_bytes(["企业名称"], [["东村机械厂"]])))
    members = {info.filename: book.read(info) for info in book.infolist()}
    declaration = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    members["xl/worksheets/sheet1.xml"] = declaration + members["xl/worksheets/sheet1.xml"]
    return _zip(members)


MALFORMED = {
    "empty": b"",
    "garbage": b"\x00\x01garbage" * 50,
    "zip of garbage": _zip(
        {"[Content_Types].xml": b"\x00garbage", "xl/workbook.xml": b"<<<not xml"}
    ),
    "zip of a workbook with no sheets": _zip(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    ),
    "doctype": _doctype_workbook(),
    "truncated workbook": workbook_bytes(["企业名称"], [["东村机械厂"]])[:300],
    "text called jpg": b"not an image at all",
    "truncated jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40,
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
@pytest.mark.parametrize("role", ROLES)
def test_every_upload_form_refuses_a_malformed_file_without_a_500(personas, pages, role, kind):
    with Sweep(getattr(personas, role)) as sweep:
        for url in pages.values():
            _names, post_forms = _page_inputs(sweep, url)
            for action, fields in post_forms:
                files = [name for name, field_kind in fields.items() if field_kind == "file"]
                if not files:
                    continue
                data = {name: "" for name, field_kind in fields.items() if field_kind != "file"}
                for name in files:
                    suffix = ".jpg" if "jpg" in kind or "jpeg" in kind else ".xlsx"
                    data[name] = SimpleUploadedFile(f"crafted{suffix}", MALFORMED[kind])
                sweep.ask("post", action, data)
        assert sweep.failures == []


@pytest.mark.parametrize(
    "kind, says",
    [
        ("zip of garbage", "文件可能已损坏"),
        ("zip of a workbook with no sheets", "文件可能已损坏"),
        ("doctype", "DOCTYPE"),
    ],
)
@pytest.mark.parametrize("name", ["enterprises:import", "hazards:import"])
def test_a_malformed_workbook_is_refused_with_a_chinese_message(client, personas, name, kind, says):
    login(client, personas.admin)
    hazards, enterprises = Hazard.objects.count(), Enterprise.objects.count()

    response = client.post(
        reverse(name), {"file": SimpleUploadedFile("crafted.xlsx", MALFORMED[kind])}
    )

    assert response.status_code == 400
    errors = " ".join(str(e[2]) for e in response.context["result"].errors)
    assert says in errors and "Excel" in errors
    assert (Hazard.objects.count(), Enterprise.objects.count()) == (hazards, enterprises)
