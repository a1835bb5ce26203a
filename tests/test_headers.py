"""Response headers: a Content-Security-Policy no inline script can pass, and pages with
private data kept by no cache.

The CSP allows scripts only from this site's own static files: any script injected into a
page (stored XSS) does not run. That holds only if the pages themselves carry no inline
script and no ``on…=`` handler, which the sweep below checks on every page as rendered.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import login
from tests.test_crafted_input import patterns_with_converters, url_of
from tests.test_url_sweep import township_a  # noqa: F401 — one object of every kind

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.fixture
def rendered_pages(client, personas, township_a):  # noqa: F811
    """(url name, response) of every page outside the admin that answers 200 with HTML,
    as the supervisor of township A and as the administrator."""
    pages = []
    for user in (personas.supervisor, personas.admin, personas.county):
        login(client, user)
        for name, converters in patterns_with_converters():
            if name == "logout":
                continue
            response = client.get(url_of(name, converters, township_a))
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                pages.append((name, response))
    return pages


def test_every_page_forbids_inline_and_foreign_scripts(rendered_pages):
    assert len(rendered_pages) > 40
    for name, response in rendered_pages:
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["form-action"] == ["'self'"], name


def test_no_page_carries_an_inline_script_or_an_event_handler(rendered_pages):
    found = []
    for name, response in rendered_pages:
        html = response.content.decode()
        found += [(name, m) for m in INLINE_SCRIPT.findall(html)]
        found += [(name, m[:80]) for m in HANDLER.findall(html)]
    assert found == []


def test_no_template_carries_an_inline_script_or_an_event_handler():
    """The same check on the sources, for the branches the pages above do not reach."""
    found = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found += [(path.name, m) for m in INLINE_SCRIPT.findall(text)]
        found += [(path.name, m[:80]) for m in HANDLER.findall(text)]
    assert found == []


def test_the_login_page_carries_the_policy_too(client, db):
    response = client.get(reverse("login"))

    assert directives(response)["script-src"] == ["'self'"]
    assert directives(response)["default-src"] == ["'self'"]


def test_every_page_of_a_signed_in_user_is_private_and_never_stored(rendered_pages):
    for name, response in rendered_pages:
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache, name


def test_a_photo_keeps_its_own_private_cache_policy(client, personas, township_a):  # noqa: F811
    login(client, personas.supervisor)

    response = client.get(reverse("hazards:photo_thumb", kwargs=township_a["hazards:photo"]))

    assert response["Cache-Control"] == "private, max-age=86400"


def test_the_health_check_is_left_as_it_was(client, db):
    response = client.get(reverse("healthz"))

    # never_cache's header, as before: monitoring always asks the server.
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_static_files_stay_cacheable_for_everyone(client, personas, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    from django.test import Client

    signed_in = login(Client(), personas.supervisor)

    response = signed_in.get("/static/css/hazardtrack.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")
