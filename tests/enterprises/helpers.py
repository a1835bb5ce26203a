"""Rows of an enterprise register, for the import tests here and in tests/jobs."""

from enterprises.imports import HEADERS
from tests.factories import valid_uscc


def register_row(name="示范县甲镇宏达石材有限公司", uscc=None, **overrides):
    """One row of a register, in HEADERS order; ``overrides`` by column name."""
    values = {
        "企业名称": name,
        "统一社会信用代码": uscc or valid_uscc(),
        "行业": "工贸-建材",
        "规模": "规模以下",
        "地址": "甲镇东村1号",
        "法定代表人": "王强",
        "安全负责人": "李明",
        "联系电话": "13912345678",
        "所属网格": "甲镇/第一工作区/东村",
        "风险等级": "黄",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]
