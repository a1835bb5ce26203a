import io
import json

import pytest
from django.core.management import CommandError, call_command

from criteria.loader import LoadError, load, read
from criteria.models import Criterion, Standard
from tests.criteria.conftest import file_data, make_standard

pytestmark = pytest.mark.django_db


def _counts():
    return Standard.objects.count(), Criterion.objects.count()


def test_a_valid_file_creates_the_standard_and_its_items():
    result = load(file_data())
    assert result.ok and (result.created, result.updated, result.unchanged) == (3, 0, 0)
    standard = Standard.objects.get(code="F1")
    assert standard.industries == "machinery hazchem"
    first = standard.items.get(article="第三条", item="（一）")
    assert first.text == "第一项条文。"
    assert first.keywords == "承包 承租"
    assert str(first.checked_on) == "2026-11-01"


def test_loading_the_same_file_twice_changes_nothing():
    load(file_data())
    before = list(Criterion.objects.filter(standard__code="F1").values())
    result = load(file_data())
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Criterion.objects.filter(standard__code="F1").values()) == before


def test_a_corrected_text_updates_the_item_in_place():
    load(file_data())
    pk = Criterion.objects.get(standard__code="F1", item="（一）").pk
    result = load(file_data(item={"text": "更正后的条文。"}))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Criterion.objects.get(pk=pk).text == "更正后的条文。"


def test_a_dry_run_checks_and_writes_nothing():
    before = _counts()
    result = load(file_data(), dry_run=True)
    assert result.ok and result.dry_run
    assert _counts() == before


def test_items_may_name_a_standard_already_in_the_database():
    make_standard("T9")
    data = file_data()
    data["standards"] = []
    for row in data["items"]:
        row["standard"] = "T9"
    assert load(data).ok
    assert Criterion.objects.filter(standard__code="T9").count() == 2


def test_a_replacement_is_linked_after_both_standards_exist():
    data = file_data(standard={"repealed_on": "2026-06-01", "repealed_by": "F2"})
    data["standards"].append(
        dict(
            data["standards"][0], code="F2", repealed_on=None, repealed_by=None, title="新文件标准"
        )
    )
    assert load(data).ok
    assert Standard.objects.get(code="F1").repealed_by == Standard.objects.get(code="F2")


BAD_ROWS = [
    # (changes, row, column, message)
    ({"item": {"standard": ""}}, "条目第 1 项", "所属标准", "不能为空。"),
    ({"item": {"standard": "NOPE"}}, "条目第 1 项", "所属标准", "没有代号为“NOPE”的标准。"),
    ({"item": {"item": "（二）"}}, "条目第 2 项", "项", "与条目第 1 项的条、项重复。"),
    ({"item": {"industries": ["航天"]}}, "条目第 1 项", "适用行业", "未知行业“航天”。"),
    (
        {"standard": {"industries": ["工贸-航天"]}},
        "标准第 1 项",
        "适用行业",
        "未知行业“工贸-航天”。",
    ),
    ({"item": {"text": "  "}}, "条目第 1 项", "条文", "不能为空。"),
    ({"item": {"source": ""}}, "条目第 1 项", "核对来源", "不能为空。"),
    ({"item": {"checked_on": None}}, "条目第 1 项", "核对日期", "不能为空。"),
    (
        {"item": {"checked_on": "2026/11/01"}},
        "条目第 1 项",
        "核对日期",
        "日期格式应为 2023-05-15。",
    ),
    ({"item": {"checked_on": "2999-01-01"}}, "条目第 1 项", "核对日期", "核对日期不能晚于今天。"),
    ({"item": {"source_url": "not a url"}}, "条目第 1 项", "来源网址", "不是有效的网址。"),
    ({"item": {"text": 12}}, "条目第 1 项", "条文", "须是文字。"),
    ({"item": {"keywords": {"a": 1}}}, "条目第 1 项", "关键词", "须是文字列表"),
    ({"item": {"colour": "红"}}, "条目第 1 项", "colour", "未知字段，请对照模板。"),
    (
        {"item": {"text": "此处逐字抄录经核对的条文原文（必填）"}},
        "条目第 1 项",
        "条文",
        "仍是模板中的示例内容",
    ),
    ({"standard": {"code": "GM 10"}}, "标准第 1 项", "代号", "代号只能由字母、数字"),
    ({"standard": {"title": ""}}, "标准第 1 项", "名称", "不能为空。"),
    ({"standard": {"document_number": ""}}, "标准第 1 项", "文号或标准号", "不能为空。"),
    ({"standard": {"code": "x" * 41}}, "标准第 1 项", "代号", "超过 40 个字。"),
    (
        {"standard": {"in_force_from": "2026-02-30"}},
        "标准第 1 项",
        "施行日期",
        "日期格式应为 2023-05-15。",
    ),
    (
        {"standard": {"repealed_on": "2025-01-01"}},
        "标准第 1 项",
        "废止日期",
        "废止日期不能早于施行日期。",
    ),
    (
        {"standard": {"repealed_by": "F1", "repealed_on": "2026-06-01"}},
        "标准第 1 项",
        "被哪项标准替代",
        "标准不能被自身替代。",
    ),
    (
        {"standard": {"repealed_by": "ZZ", "repealed_on": "2026-06-01"}},
        "标准第 1 项",
        "被哪项标准替代",
        "没有代号为“ZZ”的标准。",
    ),
    (
        {"standard": {"repealed_by": "F1"}},
        "标准第 1 项",
        "废止日期",
        "填写了替代标准时须填写废止日期。",
    ),
]


@pytest.mark.parametrize(("changes", "row", "column", "message"), BAD_ROWS)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_loaded(changes, row, column, message):
    before = _counts()
    result = load(file_data(**changes))
    assert not result.ok
    assert any(r == row and c == column and message in m for r, c, m in result.errors), (
        result.errors
    )
    assert _counts() == before


def test_a_duplicated_standard_code_is_refused():
    data = file_data()
    data["standards"].append(dict(data["standards"][0]))
    result = load(data)
    assert ("标准第 2 项", "代号", "与标准第 1 项的代号重复。") in result.errors


def test_every_bad_row_is_reported_not_just_the_first():
    data = file_data(item={"text": ""})
    data["items"][1]["industries"] = ["航天"]
    result = load(data)
    assert [(r, c) for r, c, _m in result.errors] == [
        ("条目第 1 项", "条文"),
        ("条目第 2 项", "适用行业"),
    ]


def test_one_bad_row_keeps_the_good_standard_out_too():
    load(file_data(item={"item": ""}))
    assert not Standard.objects.filter(code="F1").exists()


def test_read_accepts_utf8_with_a_byte_order_mark():
    raw = "\ufeff" + json.dumps(file_data(), ensure_ascii=False)
    assert read(io.BytesIO(raw.encode("utf-8")))["standards"][0]["code"] == "F1"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "文件不是有效的 JSON（第 1 行第 2 列附近）"),
        (b"[]", "文件须包含 standards 和 items 两个列表"),
        (b'{"standards": {}}', "文件须包含 standards 和 items 两个列表"),
        (b'{"standards": [], "items": []}', "文件中没有任何标准或条目"),
        ("{}".encode("utf-16"), "文件不是 UTF-8 编码的文本"),
    ],
)
def test_read_refuses_what_is_not_a_criteria_file(raw, message):
    with pytest.raises(LoadError, match=message.replace("（", ".").replace("）", ".")):
        read(io.BytesIO(raw))


def test_read_refuses_a_file_over_the_size_limit(settings, monkeypatch):
    monkeypatch.setattr("criteria.loader.MAX_BYTES", 10)
    with pytest.raises(LoadError, match="文件超过 5 MB"):
        read(io.BytesIO(b"{" + b" " * 20 + b"}"))


def test_the_command_loads_a_file(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(file_data(), ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("load_criteria", str(path), stdout=out)
    assert "导入完成：新增 3 条，更新 0 条，无变化 0 条。" in out.getvalue()
    out = io.StringIO()
    call_command("load_criteria", str(path), stdout=out)
    assert "无变化 3 条" in out.getvalue()


def test_the_command_lists_the_errors_and_loads_nothing(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(file_data(item={"industries": ["航天"]}), ensure_ascii=False))
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 1 处错误，未导入任何数据。请修改文件后重新导入。"):
        call_command("load_criteria", str(path), stderr=err)
    assert "条目第 1 项，“适用行业”：未知行业“航天”。" in err.getvalue()
    assert not Standard.objects.filter(code="F1").exists()


def test_the_command_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(file_data(), ensure_ascii=False))
    out = io.StringIO()
    call_command("load_criteria", str(path), "--dry-run", stdout=out)
    assert "试导入通过（未写入任何数据）：新增 3 条" in out.getvalue()
    assert not Standard.objects.filter(code="F1").exists()


def test_the_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("load_criteria", str(tmp_path / "missing.json"))


def test_the_template_file_is_refused_until_its_examples_are_replaced():
    from criteria.views import TEMPLATE_FILE

    with TEMPLATE_FILE.open("rb") as f:
        result = load(read(f))
    assert {(r, c) for r, c, _m in result.errors} >= {
        ("标准第 1 项", "核对来源"),
        ("条目第 1 项", "条文"),
    }


def test_a_dry_run_counts_what_it_would_write():
    result = load(file_data(), dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert not Standard.objects.filter(code="F1").exists()


def test_a_standard_can_be_unrepealed_by_a_corrected_file():
    data = file_data(standard={"repealed_on": "2026-06-01", "repealed_by": "F2"})
    data["standards"].append(
        dict(data["standards"][0], code="F2", repealed_on=None, repealed_by=None)
    )
    load(data)
    data["standards"][0].update(repealed_on=None, repealed_by=None)
    result = load(data)
    assert result.ok and result.updated == 1
    f1 = Standard.objects.get(code="F1")
    assert f1.repealed_on is None and f1.repealed_by is None


def test_changing_only_the_replacement_counts_as_an_update():
    data = file_data(standard={"repealed_on": "2026-06-01", "repealed_by": "F2"})
    for code in ("F2", "F3"):
        data["standards"].append(
            dict(data["standards"][0], code=code, repealed_on=None, repealed_by=None)
        )
    load(data)
    data["standards"][0]["repealed_by"] = "F3"
    result = load(data)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    assert Standard.objects.get(code="F1").repealed_by.code == "F3"


def _with_replacement(replaced_by):
    """F1 repealed by F2; F1's first item names the item of F2 that carries it on."""
    data = file_data(standard={"repealed_on": "2026-06-01", "repealed_by": "F2"})
    data["standards"].append(
        dict(data["standards"][0], code="F2", repealed_on=None, repealed_by=None, title="新标准")
    )
    data["items"].append(dict(data["items"][0], standard="F2", text="新标准第一项。"))
    data["items"][0]["replaced_by"] = replaced_by
    return data


def test_an_old_item_is_mapped_to_the_item_that_replaced_it():
    data = _with_replacement({"standard": "F2", "article": "第三条", "item": "（一）"})
    assert load(data).ok
    old = Criterion.objects.get(standard__code="F1", item="（一）")
    new = Criterion.objects.get(standard__code="F2", item="（一）")
    assert old.replaced_by == new
    assert old.current() == new
    again = load(data)
    assert (again.created, again.updated) == (0, 0)


def test_a_mapping_to_an_unknown_item_is_named_and_nothing_is_loaded():
    before = _counts()
    result = load(_with_replacement({"standard": "F2", "article": "第九条", "item": "（一）"}))
    assert not result.ok
    assert ("条目第 1 项", "被哪一条目替代", "没有“F2 第九条（一）”这一条目。") in result.errors
    assert _counts() == before


def test_a_mapping_that_is_not_an_item_is_refused():
    result = load(_with_replacement("F2 第三条（一）"))
    assert not result.ok
    assert any(c == "被哪一条目替代" for _r, c, _m in result.errors)
