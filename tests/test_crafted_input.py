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
from django.urls.converters import IntConverter

from core.spreadsheets import workbook_bytes
from enterprises.models import Enterprise
from hazards.models import Hazard
from tests.conftest import login
from tests.test_url_sweep import township_a  # noqa: F401 — the fixture, one object of each kind

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NUL = "a\x00b"
# One value of each kind a crafted request sends (the NUL byte is swept separately):
# "9" × 4000 is at once overlong text and a number no database integer holds.
VALUES = {
    "null": "null",
    "overlong": "9" * 4000,
    "wrong type": "abc",
    "impossible date": "2026-02-30",
}
# Pages whose POST would end the session or start real work outside the request.
NOT_POSTED = {"logout"}

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
HREF = re.compile(r'href="([^"]*\?[^"]*)"')


def all_patterns(resolver=None, namespace=""):
    """Every named URL pattern outside the admin."""
    return [name for name, _converters in patterns_with_converters(resolver, namespace)]


def patterns_with_converters(resolver=None, namespace=""):
    """(name, {kwarg: converter}) of every named URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from patterns_with_converters(pattern, ns)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", dict(pattern.pattern.converters)


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


def url_of(name, converters, objects):
    """The URL of ``name`` with the ids of ``objects``; a part of the path they do not
    give is crafted: an id no record has, the word "null" for a kind or a slug. The page
    must answer those with 404."""
    kwargs = {
        key: 2**31 - 1 if isinstance(converter, IntConverter) else "null"
        for key, converter in converters.items()
    }
    kwargs.update(objects.get(name, {}))
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def pages(township_a):  # noqa: F811
    """Every URL outside the admin, with an object of township A where it takes an id."""
    return {
        name: url_of(name, converters, township_a)
        for name, converters in patterns_with_converters()
        if name not in NOT_POSTED
    }


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


def _upload(kind):
    suffix = ".jpg" if "jpg" in kind or "jpeg" in kind else ".xlsx"
    return SimpleUploadedFile(f"crafted{suffix}", MALFORMED[kind])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_parameter_and_form_refuses_crafted_input_without_a_500(personas, pages, role):
    """Each page once; each parameter with each value; each POST form (once, however many
    pages carry it) with each value in every field and with every malformed file; a NUL
    byte anywhere is a 400."""
    logout = reverse("logout")
    posted = set()
    with Sweep(getattr(personas, role)) as sweep:
        for url in pages.values():
            names, post_forms = _page_inputs(sweep, url)
            for name in sorted(names):
                for value in VALUES.values():
                    sweep.ask("get", f"{url}?{urlencode({name: value})}")
            nul = dict.fromkeys(names | {"q"}, NUL)
            sweep.ask("get", f"{url}?{urlencode(nul)}", expect={400})
            for action, fields in post_forms:
                if urlsplit(action).path == logout or action in posted:
                    continue
                posted.add(action)
                plain = [name for name, kind in fields.items() if kind != "file"]
                files = [name for name, kind in fields.items() if kind == "file"]
                for value in VALUES.values():
                    sweep.ask("post", action, dict.fromkeys(plain, value))
                if plain:
                    sweep.ask("post", action, dict.fromkeys(plain, NUL), expect={400})
                for kind in MALFORMED if files else ():
                    data = dict.fromkeys(plain, "")
                    data.update({name: _upload(kind) for name in files})
                    sweep.ask("post", action, data)
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
