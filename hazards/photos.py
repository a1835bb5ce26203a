"""Photo processing: what is stored is never the camera original.

Each upload is checked to be a real image (Pillow ``verify``), refused above 15 MB or
above the pixel cap (decompression bombs), turned upright from its EXIF orientation,
stripped of all metadata (no GPS leaves the office), scaled to at most 1920 px and
re-encoded as JPEG, with a thumbnail beside it.

Decoding is what costs: a 16-megapixel PNG takes a second of CPU. So the photos of one
request are weighed first, from their headers alone (``check_request``): at most
``PHOTO_MAX_PER_REQUEST`` files, PNG and the other formats that always decode whole at
most ``PHOTO_MAX_PIXELS_UNDRAFTED`` each, and at most ``PHOTO_MAX_REQUEST_PIXELS``
decoded pixels together, a JPEG counting at the reduced size its draft mode decodes.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}
# Formats Pillow decodes at 1/2, 1/4 or 1/8 scale when asked (Image.draft): the others
# decode every pixel of the file, so they get the lower cap.
DRAFTABLE = {"JPEG", "MPO"}


@dataclass
class ProcessedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _refuse(message, code):
    raise ValidationError(message, code=code)


def _stored_size(width, height):
    """The size a photo is stored at: its long side at most PHOTO_MAX_SIDE."""
    side = settings.PHOTO_MAX_SIDE
    scale = min(1.0, side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _pixel_cap(fmt):
    if fmt in DRAFTABLE:
        return settings.PHOTO_MAX_PIXELS
    return min(settings.PHOTO_MAX_PIXELS, settings.PHOTO_MAX_PIXELS_UNDRAFTED)


def _too_many_pixels(name, w, h):
    return ValidationError(
        _("“%(name)s”像素过大（%(w)d×%(h)d），疑似异常图片，已拒收。")
        % {"name": name, "w": w, "h": h},
        code="bomb",
    )


def decoded_pixels(uploaded):
    """How many pixels decoding ``uploaded`` will produce, read from its header only
    (0 for what is not an image: ``process_upload`` refuses it with its own message).
    The file is left at its start."""
    try:
        uploaded.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(uploaded) as probe:
                if probe.format in DRAFTABLE:
                    # draft() only chooses the scale; nothing is decoded until load().
                    probe.draft("RGB", _stored_size(*probe.size))
                w, h = probe.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return 0
    finally:
        uploaded.seek(0)
    return w * h


def check_request(files):
    """Refuse, before anything is decoded, photos one request may not make us decode:
    too many, one over its format's pixel cap, or too many pixels together."""
    files = list(files)
    limit = settings.PHOTO_MAX_PER_REQUEST
    if len(files) > limit:
        _refuse(
            _("一次最多上传 %(max)d 张照片，本次选择了 %(n)d 张。请分几次上传。")
            % {"max": limit, "n": len(files)},
            "too_many",
        )
    errors, total = [], 0
    for f in files:
        name = getattr(f, "name", "") or _("照片")
        try:
            f.seek(0)
            with Image.open(f) as probe:
                fmt, (w, h) = probe.format, probe.size
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            OSError,
            SyntaxError,
            ValueError,
        ):
            continue  # not an image (a workbook, or junk process_upload refuses): not weighed
        finally:
            f.seek(0)
        size = getattr(f, "size", None)
        if size is not None and size > settings.PHOTO_MAX_BYTES:
            errors.append(_("“%(name)s”超过 15 MB，请压缩后再上传。") % {"name": name})
            continue
        if w * h > _pixel_cap(fmt):
            errors.append(_too_many_pixels(name, w, h).messages[0])
            continue
        total += decoded_pixels(f)
    if errors:
        raise ValidationError(errors, code="bomb")
    budget = settings.PHOTO_MAX_REQUEST_PIXELS
    if total > budget:
        _refuse(
            _(
                "这些照片合计约 %(mp)d 百万像素，超过每次 %(max)d 百万像素的上限。"
                "请分几次上传，或先压缩照片。"
            )
            % {"mp": round(total / 1_000_000), "max": budget // 1_000_000},
            "budget",
        )


def _open_checked(data, name):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                w, h = probe.size
                if fmt not in ALLOWED_FORMATS:
                    # Refused before any pixel is decoded by a rarely used plugin.
                    _refuse(
                        _("“%(name)s”的图片格式不受支持，请上传 JPG 或 PNG 照片。")
                        % {"name": name},
                        "format",
                    )
                if w * h > _pixel_cap(fmt):
                    raise _too_many_pixels(name, w, h)
                probe.verify()
            image = Image.open(io.BytesIO(data))
            # A 48-megapixel phone JPEG decodes at 1/2, 1/4 or 1/8 scale straight away
            # (never below the stored size): a quarter of the memory, much faster.
            image.draft("RGB", _stored_size(w, h))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_("“%(name)s”像素过大，疑似异常图片，已拒收。") % {"name": name}, "bomb")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        _refuse(
            _("“%(name)s”不是有效的图片文件，请上传照片（JPG、PNG 等）。") % {"name": name},
            "invalid",
        )
    return image


def process_upload(uploaded):
    """Validate and normalise one uploaded file; raise ValidationError in Chinese."""
    name = getattr(uploaded, "name", "") or _("照片")
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.PHOTO_MAX_BYTES:
        _refuse(_("“%(name)s”超过 15 MB，请压缩后再上传。") % {"name": name}, "too_large")
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(settings.PHOTO_MAX_BYTES + 1)
    if len(data) > settings.PHOTO_MAX_BYTES:
        _refuse(_("“%(name)s”超过 15 MB，请压缩后再上传。") % {"name": name}, "too_large")
    if not data:
        _refuse(_("“%(name)s”是空文件。") % {"name": name}, "empty")
    image = _open_checked(data, name)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    side = settings.PHOTO_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    # A fresh image carries no EXIF, XMP or ICC block from the camera.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)
    thumb = clean.copy()
    t = settings.PHOTO_THUMB_SIDE
    thumb.thumbnail((t, t), Image.Resampling.LANCZOS)
    tout = io.BytesIO()
    thumb.save(tout, "JPEG", quality=80)
    stem = uuid.uuid4().hex
    return ProcessedPhoto(
        image=ContentFile(out.getvalue(), name=f"{stem}.jpg"),
        thumbnail=ContentFile(tout.getvalue(), name=f"{stem}_t.jpg"),
        width=clean.width,
        height=clean.height,
    )


def process_many(files):
    """Process every file; collect all refusals into one ValidationError."""
    files = list(files)
    check_request(files)
    done, errors = [], []
    for f in files:
        try:
            done.append(process_upload(f))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return done
