"""One factory per model. Build data the way the services do (paths, townships copied)."""

import random
import string
from datetime import date

import factory
from django.contrib.auth.models import Group, User
from factory.django import DjangoModelFactory

from enterprises.models import Enterprise, Industry, RiskColour
from enterprises.validators import ALPHABET, check_character
from grid import roles
from grid.models import Assignment, GridCell
from grid.services import create_cell

_SUBJECT = ALPHABET  # 31 characters allowed in the subject code


def valid_uscc(rng=None):
    """A random but valid 统一社会信用代码 (shared with the validator's property test)."""
    rng = rng or random
    head = rng.choice("9") + rng.choice("123")
    division = "".join(rng.choice(string.digits) for _ in range(6))
    subject = "".join(rng.choice(_SUBJECT) for _ in range(9))
    first17 = head + division + subject
    return first17 + check_character(first17)


def make_cell(name, level, parent=None):
    return create_cell(name=name, level=level, parent=parent)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=roles.GROUP_NAMES[extracted])
            obj.groups.add(group)

    @factory.post_generation
    def cells(obj, create, extracted, **kwargs):
        if create and extracted:
            for cell in extracted:
                Assignment.objects.get_or_create(user=obj, cell=cell)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.LazyFunction(valid_uscc)
    industry = Industry.MACHINERY
    address = factory.Faker("address", locale="zh_CN")
    legal_representative = factory.Faker("name", locale="zh_CN")
    safety_officer = factory.Faker("name", locale="zh_CN")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    risk = RiskColour.YELLOW
    township = factory.LazyAttribute(lambda o: GridCell.objects.get(pk=o.cell.township_id))


def today():
    from django.utils import timezone

    return timezone.localdate()


# --- Factories of other areas are appended below, one section per app. ---


# --- hazards ---


def jpeg_bytes(size=(64, 48), colour=(200, 40, 40), exif_gps=False):
    """A small JPEG; with ``exif_gps`` it carries EXIF (camera make and a GPS block)."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        exif[0x0112] = 1  # Orientation
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def jpeg_upload(name="photo.jpg", **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def processed_photo(**kwargs):
    from hazards.photos import process_upload

    return process_upload(jpeg_upload(**kwargs))


def auto_supervisor(enterprise):
    """A supervisor of the enterprise's township (created once per township)."""
    township = GridCell.objects.get(pk=enterprise.township_id)
    return UserFactory(
        username=f"auto_supervisor_{township.pk}", role=roles.SUPERVISOR, cells=[township]
    )


def auto_county(enterprise):
    """A county officer of the enterprise's county (created once per county)."""
    township = GridCell.objects.get(pk=enterprise.township_id)
    return UserFactory(
        username=f"auto_county_{township.parent_id}",
        role=roles.COUNTY,
        cells=[GridCell.objects.get(pk=township.parent_id)],
    )


HAZARD_STATES = ("found", "deadline", "fixed", "closed", "void")


def make_hazard(
    enterprise,
    by,
    state="found",
    *,
    at=None,
    level="general",
    category="condition",
    subject="fire",
    description="配电箱未上锁，电线裸露",
    location="一号车间",
    found_on=None,
    deadline=None,
    fixed_on=None,
    fixer=None,
    closer=None,
    voider=None,
    checklist_item=None,
    **kw,
):
    """A hazard walked through hazards.workflow to ``state`` (numbering and events right).

    ``at`` (an aware datetime, default now) is the moment of registration and of the
    following steps, so hazards can be found and handled in the past; ``deadline``
    defaults to 14 days after the found date and ``fixed_on`` to the found date. A
    deadline already past today gives an overdue hazard. Closing picks a supervisor of the
    township (a county officer for a major hazard) unless ``closer`` is given.
    """
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from hazards import workflow

    if state not in HAZARD_STATES:
        raise ValueError(state)
    at = at or timezone.now()
    found_on = found_on or timezone.localdate(at)
    major = level == "major"
    if major:
        kw.setdefault("basis_standard", "《重大事故隐患判定标准》")
        kw.setdefault("basis_clause", "第四条第（一）项")
        # The county closes a major hazard out only on a library item (criteria=() for none).
        kw.setdefault("criteria", [make_criterion()])
    hazard = workflow.register(
        enterprise=enterprise,
        by=by,
        level=level,
        category=category,
        subject=subject,
        description=description,
        location=location,
        found_on=found_on,
        checklist_item=checklist_item,
        at=at,
        **kw,
    )
    if state == "found":
        return hazard
    if state == "void":
        workflow.void(hazard, by=voider or auto_supervisor(enterprise), reason="误报", at=at)
        return hazard
    deadline = deadline or found_on + timedelta(days=14)
    workflow.set_deadline(
        hazard,
        by=by,
        deadline=deadline,
        measures="更换防护罩，加装漏电保护",
        responsible_person="张三",
        funds_yuan=5000 if major else None,
        contingency_plan="停用该设备，设置警戒区" if major else "",
        at=at,
    )
    if state == "deadline":
        return hazard
    fixed_on = fixed_on or found_on
    tz = timezone.get_current_timezone()
    # Noon of the fix day, but never later than now: before noon (Beijing time, i.e. UTC
    # 16:00–04:00) noon of today is still to come, and a fix cannot be reported from the future.
    noon = timezone.make_aware(datetime.combine(fixed_on, time(12)), tz)
    at_fix = max(at, min(noon, timezone.now()))
    workflow.report_fixed(
        hazard,
        by=fixer or by,
        fixed_on=fixed_on,
        note="已整改完毕",
        after_photos=[processed_photo(colour=(40, 160, 40))],
        at=at_fix,
    )
    if state == "fixed":
        return hazard
    if closer is None:
        closer = auto_county(enterprise) if major else auto_supervisor(enterprise)
    workflow.close_out(hazard, by=closer, acceptance_note="复查合格，同意销号", at=at_fix)
    return hazard


# --- the criteria library (criteria.Standard / criteria.Criterion) -----------------------------

CRITERIA_CHECKED_ON = date(2026, 11, 1)


def make_standard(code="TEST", **fields):
    """A criteria standard, made once per code (a test's own, not shipped text)."""
    from criteria.models import Standard

    values = {
        "title": f"测试判定标准{code}",
        "document_number": f"测试〔2026〕{code}号",
        "issuer": "测试机关",
        "industries": "",
        "source": "测试数据，非标准原文",
        "checked_on": CRITERIA_CHECKED_ON,
    }
    values.update(fields)
    standard, _created = Standard.objects.get_or_create(code=code, defaults=values)
    return standard


def make_criterion(standard=None, item="（一）", *, article="第三条", **fields):
    """An item of the criteria library (made once per standard, article and item): the
    判定依据 a major hazard is closed out on. ``make_hazard(level="major")`` attaches one."""
    from criteria.models import Criterion

    standard = standard or make_standard()
    values = {
        "text": "测试条文（非标准原文）。",
        "source": "测试数据，非标准原文",
        "checked_on": CRITERIA_CHECKED_ON,
    }
    values.update(fields)
    criterion, _created = Criterion.objects.get_or_create(
        standard=standard, article=article, item=item, defaults=values
    )
    return criterion
