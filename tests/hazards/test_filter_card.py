"""The ledger's filter card (更多筛选条件) is drawn once per scope, grid stamp and data and
then read from the cache (issue 17, ``RecordFilter.card``): the chosen values of one query
never show on another's, a new cell shows at once, and a form with errors is drawn afresh."""

import pytest
from django.urls import reverse

from hazards import filters
from tests.conftest import login
from tests.factories import make_cell

pytestmark = pytest.mark.django_db
URL = reverse("hazards:list")


@pytest.fixture
def drawn(monkeypatch, settings):
    """How many times the card was drawn (``hazards.rows.filter_fields``), cache on."""
    settings.FILTER_CHOICES_CACHE_SECONDS = 300
    calls = []
    real = filters.filter_fields

    def counting(form, skip=()):
        calls.append(form)
        return real(form, skip)

    monkeypatch.setattr(filters, "filter_fields", counting)
    return calls


def card_of(response):
    html = response.content.decode()
    start = html.index("更多筛选条件")
    return html[start : html.index("</details>", start)]


@pytest.mark.parametrize("who", ["supervisor", "county"])
def test_the_card_is_drawn_once_and_then_read_from_the_cache(client, personas, drawn, who):
    login(client, getattr(personas, who))
    first = card_of(client.get(URL))
    second = card_of(client.get(URL))
    assert len(drawn) == 1
    assert first == second
    assert '<select name="cell"' in second


def test_a_chosen_cell_is_selected_on_its_query_and_on_no_other(client, personas, grid, drawn):
    login(client, personas.supervisor)
    chosen = f'<option value="{grid.area_a.pk}" selected>'
    assert chosen in card_of(client.get(URL, {"cell": grid.area_a.pk}))
    assert chosen not in card_of(client.get(URL))
    assert chosen not in card_of(client.get(URL, {"status": "deadline"}))
    assert chosen in card_of(client.get(URL, {"cell": grid.area_a.pk}))
    assert len(drawn) == 3  # the last one from the cache


def test_the_page_number_and_the_keyword_share_one_card(client, personas, drawn):
    login(client, personas.supervisor)
    client.get(URL, {"level": "general"})
    client.get(URL, {"level": "general", "page": "2", "q": "配电"})
    assert len(drawn) == 1


def test_a_new_cell_shows_in_the_card_at_once(client, personas, grid, drawn):
    login(client, personas.supervisor)
    assert "北村" not in card_of(client.get(URL))
    make_cell("北村", grid.village_a1.level, grid.area_a)
    assert "\u3000\u3000\u3000北村</option>" in card_of(client.get(URL))
    assert len(drawn) == 2


def test_a_card_with_errors_is_drawn_afresh_every_time(client, personas, drawn):
    login(client, personas.supervisor)
    for _ in range(2):
        response = client.get(URL, {"found_from": "2026-13-45"})
        assert response.status_code == 200
        assert 'name="found_from" value="2026-13-45"' in card_of(response)
    assert len(drawn) == 2


def test_with_the_cache_off_the_card_is_drawn_every_time(client, personas, drawn, settings):
    settings.FILTER_CHOICES_CACHE_SECONDS = 0
    login(client, personas.county)
    client.get(URL)
    client.get(URL)
    assert len(drawn) == 2
