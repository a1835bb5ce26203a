from django.db import connection

from hazards.models import Hazard
from tests.conftest import login

HUGE = "9223372036854775808"  # 2**63: no 64-bit integer column holds it


def test_an_id_too_large_for_the_database_is_refused_not_a_server_error(client, personas):
    login(client, personas.supervisor)
    response = client.get(f"/hazards/{HUGE}/")
    assert response.status_code in (400, 404)  # never a 500


def test_a_form_choice_too_large_for_the_database_changes_nothing(client, personas, enterprise_a1):
    login(client, personas.inspector)
    before = Hazard.objects.count()
    response = client.post(
        f"/inspections/start/?enterprise={enterprise_a1.pk}",
        {"kind": "routine", "inspectors": [HUGE], "date": ""},
    )
    assert response.status_code in (200, 400)
    body = response.content.decode()
    if connection.vendor == "sqlite":  # overflow while looking the choice up
        assert response.status_code == 400
        assert "超出范围" in body
    else:  # PostgreSQL finds no such user: an ordinary form error
        assert "不在可用的选项中" in body
    assert Hazard.objects.count() == before
