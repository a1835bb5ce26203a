import pytest
from django.urls import reverse
from PIL import Image

from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(personas, enterprise_a1):
    return make_hazard(enterprise_a1, personas.inspector, "fixed").photos.get()


@pytest.mark.parametrize("name", ["photo", "photo_thumb"])
@pytest.mark.parametrize(
    "who,status",
    [("inspector", 200), ("supervisor", 200), ("county", 200), ("admin", 200)],
)
def test_users_who_see_the_hazard_get_its_photo_privately(
    client, personas, photo, name, who, status
):
    response = login(client, getattr(personas, who)).get(
        reverse(f"hazards:{name}", args=[photo.pk])
    )
    assert response.status_code == status
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    from io import BytesIO

    with Image.open(BytesIO(data)) as img:
        assert img.format == "JPEG"


@pytest.mark.parametrize("name", ["photo", "photo_thumb"])
@pytest.mark.parametrize("who", ["other_inspector", "other_supervisor"])
def test_another_township_gets_404_on_a_photo(client, personas, photo, name, who):
    response = login(client, getattr(personas, who)).get(
        reverse(f"hazards:{name}", args=[photo.pk])
    )
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_login(client, photo):
    response = client.get(reverse("hazards:photo", args=[photo.pk]))
    assert response.status_code == 302


def test_a_missing_photo_is_404(client, personas):
    response = login(client, personas.admin).get(reverse("hazards:photo", args=[999999]))
    assert response.status_code == 404
