"""Fixtures of the inspection tests: a small checklist and started inspections."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections import services
from inspections.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from tests.factories import today


@pytest.fixture
def checklist(db):
    """测试检查表: 2 categories, 4 items; item 2.2 is a major-hazard item."""
    template = ChecklistTemplate.objects.create(name="测试检查表")
    management = ChecklistCategory.objects.create(template=template, number=1, name="安全管理")
    site = ChecklistCategory.objects.create(template=template, number=2, name="现场设备设施")
    ChecklistItem.objects.create(
        category=management,
        number=1,
        text="建立全员安全生产责任制",
        basis="《安全生产法》第二十二条",
    )
    ChecklistItem.objects.create(category=management, number=2, text="定期组织隐患排查")
    ChecklistItem.objects.create(
        category=site, number=1, text="配电箱设置漏电保护装置", basis="GB 50054"
    )
    ChecklistItem.objects.create(
        category=site,
        number=2,
        text="有限空间作业先通风、再检测、后作业",
        basis="《工贸企业重大事故隐患判定标准》第十三条第（二）项；《安全生产法》",
        default_level="major",
    )
    return template


def start_inspection(enterprise, by, template, inspectors=None, **kwargs):
    kwargs.setdefault("kind", "routine")
    kwargs.setdefault("on", today())
    return services.start(
        enterprise=enterprise,
        by=by,
        template=template,
        inspectors=inspectors or [by],
        **kwargs,
    )


def answer_all(inspection, by, result="pass", overrides=None):
    """Answer every item (``overrides`` maps position → result)."""
    overrides = overrides or {}
    for item in inspection.items.all():
        services.record_result(item, by=by, result=overrides.get(item.position, result))


def jpeg(name="photo.jpg", size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def inspection(personas, enterprise_a1, checklist):
    return start_inspection(enterprise_a1, personas.inspector, checklist)
