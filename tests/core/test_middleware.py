from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from hazards.models import Hazard
from tests.conftest import login
from tests.factories import jpeg_bytes

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


# --- Uploads too large or too costly: refused before they are read or decoded ---------------


def _register_form(enterprise, **files):
    return {
        "level": "general",
        "category": "condition",
        "subject": "fire",
        "description": "配电箱未上锁",
        "found_on": "2026-03-01",
        **files,
    }


def _png(width, height, name):
    from tests.hazards.test_photos import png_declaring

    return SimpleUploadedFile(name, png_declaring(width, height), content_type="image/png")


def _stored_files(settings):
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_body_over_the_request_limit_is_refused_from_its_length_before_it_is_read(
    client, personas, enterprise_a1, settings
):
    settings.REQUEST_MAX_BYTES = 100_000
    login(client, personas.inspector)
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    photo = SimpleUploadedFile("big.jpg", jpeg_bytes(size=(800, 600)) + b"\0" * 200_000)

    response = client.post(url, _register_form(enterprise_a1, photos=[photo]))

    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert Hazard.objects.count() == 0
    assert _stored_files(settings) == []


def test_more_files_than_a_request_may_carry_are_refused_before_the_csrf_check_reads_them(
    personas, enterprise_a1, settings
):
    """Django's parser stops at the 11th file; the refusal is ours, in Chinese."""
    client = login(Client(enforce_csrf_checks=True), personas.inspector)
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    photos = [SimpleUploadedFile(f"{n}.jpg", jpeg_bytes()) for n in range(11)]

    response = client.post(url, _register_form(enterprise_a1, photos=photos))

    assert response.status_code == 400
    assert "一次最多上传 10 个文件（照片）" in response.content.decode()
    assert Hazard.objects.count() == 0


def test_photos_over_the_pixel_budget_of_a_request_are_refused_before_any_is_decoded(
    client, personas, enterprise_a1, settings, monkeypatch
):
    """Before photos in two fields of one form (整改前, 整改后) each fit on their own."""
    from PIL import ImageFile

    def refuse_to_load(self):
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_load)
    login(client, personas.inspector)
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    before = [_png(4000, 4000, f"b{n}.png") for n in range(3)]  # 48 MP
    after = [_png(4000, 4000, f"a{n}.png") for n in range(2)]  # 32 MP

    response = client.post(
        url,
        _register_form(enterprise_a1, photos=before, after_photos=after, fixed_on_spot="on"),
    )

    assert response.status_code == 400
    assert "合计约 80 百万像素" in response.content.decode()
    assert Hazard.objects.count() == 0
    assert _stored_files(settings) == []


def test_photos_within_the_limits_still_register(client, personas, enterprise_a1):
    """The control."""
    login(client, personas.inspector)
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    photos = [SimpleUploadedFile(f"{n}.jpg", jpeg_bytes()) for n in range(10)]

    response = client.post(url, _register_form(enterprise_a1, photos=photos))

    assert response.status_code == 302
    assert Hazard.objects.get().photos.count() == 10


def test_a_large_workbook_is_not_taken_for_a_photo(client, personas, settings):
    """Only images are weighed as photos: a 16 MB import file meets the import's checks."""
    settings.IMPORT_INLINE_MAX_BYTES = 100 * 1024 * 1024  # checked here, not in the worker
    login(client, personas.admin)
    data = b"PK\x03\x04" + b"\0" * (16 * 1024 * 1024)

    response = client.post(
        reverse("enterprises:import"), {"file": SimpleUploadedFile("企业.xlsx", data)}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "15 MB" not in body
    assert "Excel" in body
