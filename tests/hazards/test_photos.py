"""Photo processing: only real images are kept, upright, ≤ 1920 px, with no EXIF at all."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hazards.photos import process_many, process_upload
from tests.factories import jpeg_bytes

ORIENTATION = 0x0112
GPS_IFD = 0x8825
MAKE = 0x010F


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def encoded(image, fmt="JPEG", **params):
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def stored(processed):
    processed.image.seek(0)
    return Image.open(io.BytesIO(processed.image.read()))


def png_declaring(width, height):
    """A PNG of a few dozen bytes whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def camera_jpeg(size=(400, 200), orientation=6):
    """A camera-like JPEG: left half red, right half blue, with GPS, Make and Orientation."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[MAKE] = "HUAWEI"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (35.0, 3.0, 12.5), 3: "E", 4: (118.0, 21.0, 7.2)}
    return encoded(image, exif=exif.tobytes())


def test_a_text_file_renamed_to_jpg_is_refused_in_chinese():
    with pytest.raises(ValidationError) as exc:
        process_upload(upload("这不是照片，是一段文字。".encode() * 20, "现场.jpg"))
    assert exc.value.code == "invalid"
    assert exc.value.messages == ["“现场.jpg”不是有效的图片文件，请上传照片（JPG、PNG 等）。"]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        process_upload(upload(b"", "空.jpg"))
    assert exc.value.code == "empty"


def test_a_truncated_jpeg_is_refused():
    data = encoded(Image.new("RGB", (300, 200), (10, 200, 10)))
    with pytest.raises(ValidationError) as exc:
        process_upload(upload(data[: len(data) // 2]))
    assert exc.value.code == "invalid"


def test_a_png_declaring_30000_by_30000_pixels_is_refused_as_a_bomb():
    data = png_declaring(30000, 30000)
    assert len(data) < 200
    with pytest.raises(ValidationError) as exc:
        process_upload(upload(data, "bomb.png", "image/png"))
    assert exc.value.code == "bomb"
    assert "像素过大" in exc.value.messages[0]


def test_an_image_over_the_pixel_cap_but_under_pillows_own_limit_is_refused(settings):
    settings.PHOTO_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as exc:
        process_upload(upload(encoded(Image.new("RGB", (200, 200))), "big.jpg"))
    assert exc.value.code == "bomb"
    assert "200×200" in exc.value.messages[0]


def test_a_file_over_15_mb_is_refused_before_it_is_read():
    class Huge(SimpleUploadedFile):
        def read(self, *args, **kwargs):  # pragma: no cover - must never be called
            raise AssertionError("a file over the limit must not be read")

    huge = Huge("big.jpg", b"x", content_type="image/jpeg")
    huge.size = 15 * 1024 * 1024 + 1
    with pytest.raises(ValidationError) as exc:
        process_upload(huge)
    assert exc.value.code == "too_large"
    assert "15 MB" in exc.value.messages[0]


def test_a_file_over_15_mb_without_a_declared_size_is_refused_too():
    data = b"\xff\xd8" + b"\0" * (15 * 1024 * 1024)
    stream = io.BytesIO(data)
    stream.name = "big.jpg"
    with pytest.raises(ValidationError) as exc:
        process_upload(stream)
    assert exc.value.code == "too_large"


def test_a_file_of_exactly_15_mb_is_not_refused_for_its_size():
    image = encoded(Image.new("RGB", (64, 64), (1, 2, 3)))
    padded = image + b"\0" * (15 * 1024 * 1024 - len(image))  # bytes after EOI are ignored
    processed = process_upload(upload(padded))
    assert processed.width == 64


def test_an_unsupported_image_format_is_refused():
    data = encoded(Image.new("RGB", (32, 32)), "ICO")
    with pytest.raises(ValidationError) as exc:
        process_upload(upload(data, "favicon.ico", "image/x-icon"))
    assert exc.value.code == "format"


def test_exif_is_stripped_and_the_photo_is_turned_upright():
    original = Image.open(io.BytesIO(camera_jpeg()))
    assert original.getexif()[ORIENTATION] == 6
    assert GPS_IFD in original.getexif()

    processed = process_upload(upload(camera_jpeg(), "IMG_0001.jpg"))
    out = stored(processed)
    assert out.format == "JPEG"
    assert out.size == (200, 400)  # orientation 6: rotated 90° clockwise
    assert (processed.width, processed.height) == (200, 400)
    assert dict(out.getexif()) == {}
    assert "exif" not in out.info
    assert "icc_profile" not in out.info
    processed.image.seek(0)
    raw = processed.image.read()
    assert b"Exif" not in raw
    assert b"HUAWEI" not in raw
    # Rotated clockwise: the red left half of the sensor image is now at the top.
    top = out.getpixel((100, 50))
    bottom = out.getpixel((100, 350))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_a_large_photo_is_scaled_to_at_most_1920_pixels_with_a_thumbnail():
    processed = process_upload(upload(encoded(Image.new("RGB", (4000, 3000), (90, 90, 90)))))
    assert (processed.width, processed.height) == (1920, 1440)
    assert stored(processed).size == (1920, 1440)
    processed.thumbnail.seek(0)
    thumb = Image.open(io.BytesIO(processed.thumbnail.read()))
    assert thumb.format == "JPEG"
    assert max(thumb.size) == 320
    assert thumb.size == (320, 240)
    assert processed.image.name.endswith(".jpg")
    assert processed.thumbnail.name.endswith("_t.jpg")
    assert processed.image.name != "photo.jpg"


def test_a_tall_photo_is_limited_on_its_long_side():
    processed = process_upload(upload(encoded(Image.new("RGB", (1000, 5000)))))
    assert (processed.width, processed.height) == (384, 1920)


def test_a_small_photo_is_not_enlarged():
    processed = process_upload(upload(encoded(Image.new("RGB", (640, 480)))))
    assert (processed.width, processed.height) == (640, 480)


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [("RGBA", "PNG"), ("P", "GIF"), ("LA", "PNG"), ("L", "JPEG"), ("CMYK", "JPEG")],
)
def test_other_colour_modes_become_an_rgb_jpeg(mode, fmt):
    processed = process_upload(upload(encoded(Image.new(mode, (50, 30)), fmt), f"x.{fmt}"))
    out = stored(processed)
    assert (out.format, out.mode, out.size) == ("JPEG", "RGB", (50, 30))


def test_a_transparent_png_gets_a_white_background():
    image = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    out = stored(process_upload(upload(encoded(image, "PNG"), "t.png")))
    assert all(channel > 240 for channel in out.getpixel((10, 10)))


def test_processing_many_reports_every_bad_file_at_once():
    good = upload(encoded(Image.new("RGB", (10, 10))), "好.jpg")
    bad1 = upload(b"not an image", "坏1.jpg")
    bad2 = upload(png_declaring(30000, 30000), "坏2.png")
    with pytest.raises(ValidationError) as exc:
        process_many([good, bad1, bad2])
    assert len(exc.value.messages) == 2
    assert "坏1.jpg" in exc.value.messages[0]
    assert "坏2.png" in exc.value.messages[1]
    assert len(process_many([upload(encoded(Image.new("RGB", (10, 10))))])) == 1


# --- Limits per request: refused from the headers, before any pixel is decoded -------------


def png_upload(width, height, name="screen.png"):
    return upload(png_declaring(width, height), name=name, content_type="image/png")


@pytest.fixture
def no_decoding(monkeypatch):
    """Any attempt to decode pixels fails the test: refusals must come from the headers."""
    from PIL import ImageFile

    def refuse_to_load(self):
        raise AssertionError(f"{self.format} pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_load)


def test_more_photos_than_the_cap_per_request_are_refused_before_decoding(settings, no_decoding):
    settings.PHOTO_MAX_PER_REQUEST = 10
    files = [upload(jpeg_bytes(), name=f"{n}.jpg") for n in range(11)]

    with pytest.raises(ValidationError, match="一次最多上传 10 张照片，本次选择了 11 张"):
        process_many(files)


def test_a_png_above_the_lower_cap_for_undrafted_formats_is_refused_before_decoding(
    settings, no_decoding
):
    """A JPEG decodes at 1/2, 1/4 or 1/8 scale (draft mode); a PNG always decodes whole."""
    settings.PHOTO_MAX_PIXELS_UNDRAFTED = 16_000_000

    with pytest.raises(ValidationError, match="像素过大（5000×4000）"):
        process_many([png_upload(5000, 4000)])


def test_a_jpeg_of_the_same_size_is_within_its_cap(settings):
    settings.PHOTO_MAX_PIXELS_UNDRAFTED = 16_000_000

    (photo,) = process_many([upload(jpeg_bytes(size=(5000, 4000)))])

    assert (photo.width, photo.height) == (1920, 1536)


def test_photos_whose_decoded_pixels_add_up_past_the_budget_are_refused_before_decoding(
    settings, no_decoding
):
    settings.PHOTO_MAX_REQUEST_PIXELS = 64_000_000
    files = [png_upload(4000, 4000, name=f"{n}.png") for n in range(5)]  # 5 × 16 MP

    with pytest.raises(ValidationError, match="合计约 80 百万像素，超过每次 64 百万像素的上限"):
        process_many(files)


def test_a_phone_jpeg_counts_at_its_draft_size_against_the_budget(settings):
    """4032×3024 decodes at half scale (2016×1512, 3 MP), so ten of them fit in 64 MP."""
    from hazards.photos import decoded_pixels

    settings.PHOTO_MAX_REQUEST_PIXELS = 64_000_000
    big = upload(jpeg_bytes(size=(4032, 3024)))

    assert decoded_pixels(big) == 2016 * 1512
    assert big.tell() == 0  # the file is left ready to be read again


def test_the_maximal_request_is_accepted(settings):
    """The control: exactly the budget in undrafted pixels and the cap in count goes through."""
    settings.PHOTO_MAX_PER_REQUEST = 10
    settings.PHOTO_MAX_REQUEST_PIXELS = 4 * 1_000_000 + 6 * 64 * 48
    files = [
        upload(encoded(Image.new("RGB", (1000, 1000)), "PNG"), name=f"{n}.png") for n in range(4)
    ]
    files += [upload(jpeg_bytes(), name=f"{n}.jpg") for n in range(6)]

    assert len(process_many(files)) == 10
