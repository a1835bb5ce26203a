"""Small builders for the criteria tests (the library is not in tests/factories.py yet)."""

import datetime

import pytest

from criteria.models import Criterion, Standard

CHECKED = datetime.date(2026, 11, 1)


def make_standard(code="T1", **fields):
    values = {
        "title": f"测试标准{code}",
        "document_number": f"测试〔2026〕{code}号",
        "issuer": "测试机关",
        "industries": "",
        "source": "测试来源",
        "checked_on": CHECKED,
    }
    values.update(fields)
    return Standard.objects.create(code=code, **values)


def make_item(standard, item="（一）", **fields):
    values = {"article": "", "text": "测试条文。", "source": "测试来源", "checked_on": CHECKED}
    values.update(fields)
    return Criterion.objects.create(standard=standard, item=item, **values)


def file_data(**changes):
    """A valid criteria file with one standard and two items; ``changes`` patch rows:
    standard={...} patches the standard, item={...} the first item."""
    standard = {
        "code": "F1",
        "title": "文件标准",
        "document_number": "文件〔2026〕1号",
        "issuer": "文件机关",
        "in_force_from": "2026-01-01",
        "repealed_on": None,
        "repealed_by": None,
        "industries": ["工贸-机械", "危险化学品"],
        "source": "某政府网站",
        "source_url": "https://www.example.gov.cn/a.html",
        "checked_on": "2026-11-01",
        "items_note": "",
    }
    first = {
        "standard": "F1",
        "article": "第三条",
        "item": "（一）",
        "text": "第一项条文。",
        "industries": [],
        "keywords": ["承包", "承租"],
        "source": "某政府网站",
        "source_url": "https://www.example.gov.cn/a.html",
        "checked_on": "2026-11-01",
    }
    second = dict(first, item="（二）", text="第二项条文。", keywords=["特种作业"])
    standard.update(changes.get("standard", {}))
    first.update(changes.get("item", {}))
    return {"standards": [standard], "items": [first, second]}


@pytest.fixture
def library(db):
    """Two in-force standards for two industries and a repealed one."""
    machinery = make_standard("M", industries="machinery", title="机械标准")
    chem = make_standard("C", industries="hazchem", title="化工标准")
    old = make_standard(
        "OLD",
        industries="machinery",
        title="旧机械标准",
        repealed_on=datetime.date(2020, 1, 1),
        repealed_by=machinery,
    )
    return {
        "machinery": machinery,
        "chem": chem,
        "old": old,
        "m1": make_item(machinery, text="未对承包单位统一协调管理的。", keywords="承包 承租"),
        "m2": make_item(machinery, item="（二）", text="特种作业人员未持证上岗的。"),
        "c1": make_item(chem, text="罐区未实现紧急切断功能。"),
        "o1": make_item(old, text="旧的承包条文。"),
    }
