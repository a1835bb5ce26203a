"""The criteria shipped by criteria/migrations/0002_ship_verified_criteria.py.

Each expected text below was compared with the copy named in its ``source``/``source_url``
on 2026-11-30 (docs/criteria.md lists the sources and what was left for administrators)."""

import datetime

import pytest

from criteria.models import Criterion, Standard

CHECKED = datetime.date(2026, 11, 30)
NEWSPAPER = "http://anzhuopai.com/szb/pc/col/202305/25/content_202393.html"
JIANGMEN = "http://www.jiangmen.gov.cn/gzhd/zhzw/content/post_2849362.html"
PAPER_0622 = "http://boglecoveoysterhouse.net/szb/pc/col/202306/22/content_204908.html"


@pytest.mark.django_db
def test_every_shipped_standard_and_item_names_its_source_and_checked_date():
    assert Standard.objects.count() >= 7
    for standard in Standard.objects.all():
        assert standard.source.strip() and standard.checked_on == CHECKED, standard.code
    for item in Criterion.objects.all():
        assert item.source.strip() and item.checked_on == CHECKED, item


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "count"),
    [
        ("HG121", 20),
        ("YH121", 20),
        ("GM10", 19),
        ("KS88", 0),
        ("KS98-2017", 0),
        ("GB35181-2025", 0),
        ("GB35181-2017", 0),
    ],
)
def test_each_standard_ships_the_items_that_could_be_verified(code, count):
    standard = Standard.objects.get(code=code)
    assert standard.items.count() == count
    if count == 0:
        assert "请管理员" in standard.items_note or "不随系统提供" in standard.items_note


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "article", "item", "text", "url"),
    [
        (
            "HG121",
            "",
            "（一）",
            "危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格。",
            NEWSPAPER,
        ),
        (
            "HG121",
            "",
            "（八）",
            "光气、氯气等剧毒气体及硫化氢气体管道穿越除厂区（包括化工园区、工业园区）外的公共区域。",
            NEWSPAPER,
        ),
        (
            "HG121",
            "",
            "（十四）",
            "化工生产装置未按国家标准要求设置双重电源供电，自动化控制系统未设置不间断电源。",
            NEWSPAPER,
        ),
        (
            "YH121",
            "",
            "（四）",
            "工（库）房实际作业人员数量超过核定人数。",
            "http://china.rednet.cn/c/2017/11/17/4476815.htm",
        ),
        (
            "GM10",
            "第三条",
            "（一）",
            "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的；",
            JIANGMEN,
        ),
        (
            "GM10",
            "第三条",
            "（二）",
            "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的；",
            JIANGMEN,
        ),
        (
            "GM10",
            "第三条",
            "（三）",
            "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的。",
            JIANGMEN,
        ),
    ],
)
def test_a_sample_of_texts_matches_the_copy_recorded_as_its_source(code, article, item, text, url):
    criterion = Criterion.objects.get(standard__code=code, article=article, item=item)
    assert criterion.text == text
    assert criterion.source_url == url


@pytest.mark.django_db
def test_items_checked_only_against_repository_quotes_say_so():
    for criterion in Criterion.objects.filter(source_url=""):
        assert "公开代码仓库" in criterion.source and "请管理员对照原文件复核" in criterion.source


@pytest.mark.django_db
def test_industry_articles_apply_to_their_industry_only():
    from criteria.models import Criterion as C

    metallurgy = set(C.objects.for_industry("metallurgy").values_list("article", flat=True))
    assert "第四条" in metallurgy and "第六条" not in metallurgy and "第十三条" in metallurgy
    assert not C.objects.for_industry("hazchem").filter(standard__code="GM10").exists()


@pytest.mark.django_db
def test_the_repealed_standards_point_to_their_replacements():
    old_fire = Standard.objects.get(code="GB35181-2017")
    assert old_fire.repealed_by.code == "GB35181-2025"
    assert old_fire.repealed_on == datetime.date(2025, 11, 1)
    assert str(old_fire.status_label) == "已废止"
    old_mine = Standard.objects.get(code="KS98-2017")
    assert old_mine.repealed_by.code == "KS88"
    assert str(Standard.objects.get(code="GM10").status_label) == "现行"
    assert Standard.objects.get(code="GM10").in_force_from == datetime.date(2023, 5, 15)


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_ships_the_library_and_removes_it_going_back(migrator):
    old = migrator.apply_initial_migration(("criteria", "0001_standards_and_items"))
    assert not old.apps.get_model("criteria", "Standard").objects.exists()
    new = migrator.apply_tested_migration(("criteria", "0002_ship_verified_criteria"))
    assert new.apps.get_model("criteria", "Criterion").objects.count() == 59
    back = migrator.apply_tested_migration(("criteria", "0001_standards_and_items"))
    assert not back.apps.get_model("criteria", "Standard").objects.exists()
    migrator.reset()


@pytest.mark.django_db
def test_administrators_may_manage_the_library_in_the_admin():
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="管理员")
        .permissions.filter(content_type__app_label="criteria")
        .values_list("codename", flat=True)
    )
    assert codenames == {
        "view_standard",
        "add_standard",
        "change_standard",
        "view_criterion",
        "add_criterion",
        "change_criterion",
    }
