"""The 判定依据 picker also sits on the 更正 form of a major hazard."""

from django.urls import reverse

from tests.conftest import login
from tests.factories import make_hazard


def test_the_amend_form_of_a_major_hazard_offers_the_picker(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found", level="major")
    login(client, personas.supervisor)
    html = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert 'class="criteria-picker' in html
    assert 'data-standard-field="id_amend_basis_standard"' in html


def test_a_general_hazard_has_no_picker(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    login(client, personas.supervisor)
    html = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "criteria-picker" not in html
