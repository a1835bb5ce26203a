"""Compressed text, never files (issue 17; core.compression): the ledger's HTML is gzipped
for a browser that accepts it, an Excel export and a photo are sent as they are."""

import gzip

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db


def test_the_county_ledger_is_sent_gzipped_and_varies_by_accept_encoding(
    client, personas, enterprise_a1
):
    make_hazard(enterprise_a1, personas.inspector)
    login(client, personas.county)
    response = client.get(reverse("hazards:list"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "隐患台账" in gzip.decompress(response.content).decode()


def test_each_compressed_page_carries_random_bytes_in_its_gzip_header(client, personas):
    """Django's BREACH mitigation ("Heal The Breach", docs/deploy.md): a random file name
    of random length in the gzip header (FLG.FNAME), so the compressed length of a page
    tells an eavesdropper less about a secret in it."""
    login(client, personas.county)
    body = client.get(reverse("hazards:list"), HTTP_ACCEPT_ENCODING="gzip").content
    assert body[:2] == b"\x1f\x8b"
    assert body[3] & 0x08  # FNAME: the random bytes are there


def test_an_excel_export_is_not_compressed_again(client, personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector)
    login(client, personas.county)
    response = client.get(reverse("reports:export_ledger"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert not response.has_header("Content-Encoding")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:2] == b"PK"  # the .xlsx itself (a zip), not a gzip stream


def test_the_ledger_is_compressed_at_the_configured_level(
    client, personas, enterprise_a1, settings
):
    """GZIP_LEVEL (1 by default, nginx's): the same page, smaller at 9 than at 1."""
    for _ in range(20):
        make_hazard(enterprise_a1, personas.inspector)
    login(client, personas.county)
    sizes = {}
    for each in (1, 9):
        settings.GZIP_LEVEL = each
        response = client.get(reverse("hazards:list"), HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Length"] == str(len(response.content))
        html = gzip.decompress(response.content).decode()
        assert html.rstrip().endswith("</html>")
        # The random file name (0-99 bytes) is left out of the comparison.
        name_end = response.content.index(b"\x00", 10) + 1
        sizes[each] = len(response.content) - name_end
    assert sizes[9] < sizes[1]


def test_a_short_answer_is_sent_as_it_is(client):
    response = client.get("/healthz", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
