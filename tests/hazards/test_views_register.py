import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hazards.models import Hazard, HazardEvent, HazardPhoto
from tests.conftest import login
from tests.factories import jpeg_upload

pytestmark = pytest.mark.django_db
URL = reverse("hazards:register")


def form_data(**extra):
    data = {
        "level": "general",
        "category": "condition",
        "subject": "fire",
        "description": "消防通道堵塞",
        "location": "仓库",
        "found_on": timezone.localdate().isoformat(),
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "who,status",
    [
        ("inspector", 200),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 403),
        ("other_inspector", 404),
    ],
)
def test_the_register_page_per_role(client, personas, enterprise_a1, who, status):
    response = login(client, getattr(personas, who)).get(URL, {"enterprise": enterprise_a1.pk})
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert enterprise_a1.name in body
        assert 'capture="environment"' in body
        assert 'accept="image/*"' in body


def test_without_an_enterprise_the_page_helps_to_find_one(
    client, personas, enterprise_a1, enterprise_b
):
    response = login(client, personas.inspector).get(URL, {"q": "村"})
    body = response.content.decode()
    assert enterprise_a1.name in body
    assert enterprise_b.name not in body


def test_an_inspector_registers_a_hazard_with_photos(client, personas, enterprise_a1):
    data = form_data(photos=[jpeg_upload("a.jpg", exif_gps=True), jpeg_upload("b.jpg")])
    response = login(client, personas.inspector).post(f"{URL}?enterprise={enterprise_a1.pk}", data)
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.status == "found"
    assert hazard.cell_id == enterprise_a1.cell_id
    assert list(hazard.finders.all()) == [personas.inspector]
    assert HazardEvent.objects.filter(hazard=hazard, action="register").count() == 1
    photos = HazardPhoto.objects.filter(hazard=hazard, kind="before")
    assert photos.count() == 2
    for p in photos:
        with p.image.open("rb") as f, Image.open(f) as img:
            assert img.format == "JPEG"
            assert not img.getexif()


def test_fixed_on_the_spot_goes_to_fixed_with_the_after_photo(client, personas, enterprise_a1):
    data = form_data(fixed_on_spot="on", fix_note="当场清理", after_photos=jpeg_upload())
    response = login(client, personas.inspector).post(f"{URL}?enterprise={enterprise_a1.pk}", data)
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.status == "fixed"
    assert hazard.photos.filter(kind="after").count() == 1


def test_fixed_on_the_spot_without_an_after_photo_is_refused(client, personas, enterprise_a1):
    response = login(client, personas.inspector).post(
        f"{URL}?enterprise={enterprise_a1.pk}", form_data(fixed_on_spot="on")
    )
    assert response.status_code == 400
    assert "立查立改须上传至少一张整改后照片" in response.content.decode()
    assert not Hazard.objects.exists()


def test_a_major_hazard_needs_its_basis(client, personas, enterprise_a1):
    login(client, personas.inspector)
    url = f"{URL}?enterprise={enterprise_a1.pk}"
    response = client.post(url, form_data(level="major"))
    assert response.status_code == 400
    assert "判定依据" in response.content.decode()
    assert not Hazard.objects.exists()
    response = client.post(
        url,
        form_data(
            level="major", basis_standard="判定标准", basis_clause="第四条", stop_scope="一车间"
        ),
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert (hazard.level, hazard.stop_scope) == ("major", "一车间")


def test_a_fake_photo_or_a_future_date_is_refused_in_chinese(client, personas, enterprise_a1):
    login(client, personas.inspector)
    url = f"{URL}?enterprise={enterprise_a1.pk}"
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4", content_type="image/jpeg")
    response = client.post(url, form_data(photos=fake))
    assert response.status_code == 400
    assert "不是有效的图片文件" in response.content.decode()
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(url, form_data(found_on=tomorrow.isoformat()))
    assert response.status_code == 400
    assert "发现日期不能晚于今天" in response.content.decode()
    assert not Hazard.objects.exists()
    assert not HazardPhoto.objects.exists()


def test_a_bad_enterprise_id_is_404(client, personas):
    response = login(client, personas.inspector).get(URL, {"enterprise": "abc"})
    assert response.status_code == 404
