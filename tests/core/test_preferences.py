"""The larger-text mode (适老化, issue 20): kept per user, switched by a POST with CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import UserPreference, larger_text_for
from core.preferences import SESSION_KEY
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/text-size/"


def _html_class(client, url):
    html = client.get(url).content.decode()
    return html[: html.index(">", html.index("<html"))]


def test_a_user_without_a_preference_reads_standard_text(personas):
    assert larger_text_for(personas.inspector) is False
    assert not UserPreference.objects.exists()


def test_the_toggle_turns_the_larger_text_on_for_the_user_and_back_to_the_page(client, personas):
    login(client, personas.inspector)
    page = reverse("hazards:list")

    response = client.post(URL, {"size": "larger", "next": page})

    assert response.status_code == 302 and response["Location"] == page
    assert UserPreference.objects.get(user=personas.inspector).larger_text is True
    assert 'class="text-larger"' in _html_class(client, page)
    assert "标准字号" in client.get(page).content.decode()


def test_the_toggle_turns_it_off_again(client, personas):
    UserPreference.objects.create(user=personas.inspector, larger_text=True)
    login(client, personas.inspector)

    client.post(URL, {"size": "standard", "next": reverse("hazards:list")})

    assert UserPreference.objects.get(user=personas.inspector).larger_text is False
    assert "text-larger" not in _html_class(client, reverse("hazards:list"))


def test_the_choice_follows_the_user_to_a_new_login(personas):
    first, second = Client(), Client()
    first.post(reverse("login"), {"username": "inspector_a1", "password": "pass-12345"})
    first.post(URL, {"size": "larger"})

    second.post(reverse("login"), {"username": "inspector_a1", "password": "pass-12345"})

    assert second.session[SESSION_KEY] is True
    assert 'class="text-larger"' in _html_class(second, reverse("hazards:list"))


def test_one_users_choice_is_not_anothers(client, personas):
    UserPreference.objects.create(user=personas.supervisor, larger_text=True)
    client.post(reverse("login"), {"username": "inspector_a1", "password": "pass-12345"})

    assert "text-larger" not in _html_class(client, reverse("hazards:list"))


def test_an_unknown_size_is_refused_in_chinese_and_changes_nothing(client, personas):
    login(client, personas.inspector)

    response = client.post(URL, {"size": "huge"})

    assert response.status_code == 400
    assert "字号只能选择" in response.content.decode()
    assert not UserPreference.objects.exists()


def test_the_toggle_takes_only_a_post(client, personas):
    login(client, personas.inspector)

    assert client.get(URL, {"size": "larger"}).status_code == 405
    assert not UserPreference.objects.exists()


def test_the_toggle_refuses_a_post_without_the_csrf_token(personas):
    client = login(Client(enforce_csrf_checks=True), personas.inspector)

    response = client.post(URL, {"size": "larger"})

    assert response.status_code == 403
    assert not UserPreference.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, grid):
    response = client.post(URL, {"size": "larger"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not UserPreference.objects.exists()


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "null", ""])
def test_the_way_back_never_leaves_the_site(client, personas, back):
    login(client, personas.inspector)

    response = client.post(URL, {"size": "larger", "next": back})

    assert response["Location"] == reverse("home")


def test_every_signed_in_page_offers_the_toggle_and_a_skip_link(client, personas):
    login(client, personas.county)

    html = client.get(reverse("reports:dashboard")).content.decode()

    assert 'action="/text-size/"' in html and "大字模式" in html
    assert '<a class="skip-link" href="#content">' in html and 'id="content"' in html


def test_a_user_is_deleted_with_the_preference(grid):
    user = UserFactory(username="gone")
    UserPreference.objects.create(user=user, larger_text=True)

    user.delete()

    assert not UserPreference.objects.exists()
