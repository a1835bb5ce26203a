"""The criteria shipped by criteria/migrations/0002_ship_verified_criteria.py and
0005_ship_gongmao_2017.py.

Each expected text below was compared with the copy named in its ``source``/``source_url``
on 2026-11-30 (docs/criteria.md lists the sources and what was left for administrators)."""

import datetime

import pytest

from criteria.models import Criterion, Standard

CHECKED = datetime.date(2026, 11, 30)
NEWSPAPER = "http://anzhuopai.com/szb/pc/col/202305/25/content_202393.html"
JIANGMEN = "http://www.jiangmen.gov.cn/gzhd/zhzw/content/post_2849362.html"
WENKE = "https://m.wenke99.com/p-14229007.html"
PAPER_0622 = "http://boglecoveoysterhouse.net/szb/pc/col/202306/22/content_204908.html"


@pytest.mark.django_db
def test_every_shipped_standard_and_item_names_its_source_and_checked_date():
    assert Standard.objects.count() >= 8
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
        ("GM2017", 59),
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
        (
            "GM2017",
            "存在粉尘爆炸危险的行业领域",
            "1",
            "粉尘爆炸危险场所设置在非框架结构的多层建构筑物内，或与居民区、员工宿舍、会议室等人员密集场所安全距离不足。",
            WENKE,
        ),
        (
            "GM2017",
            "冶金行业",
            "6",
            "氧枪等水冷元件未配置出水温度与进出水流量差检测、报警装置及温度监测，未与炉体倾动、氧气开闭等联锁。",
            "",
        ),
        (
            "GM2017",
            "有色行业",
            "10",
            "金属冶炼企业主要负责人和安全生产管理人员未依法经考核合格。",
            "",
        ),
        (
            "GM2017",
            "商贸行业",
            "1",
            "在房式仓、筒仓及简易仓囤进行粮食进出仓作业时，未按照作业标准步骤或未采取有效防护措施作业。",
            "",
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


# The 2017 items carried on by 应急管理部令第10号, as docs/criteria.md argues for each.
GM2017_MAP = {
    ("使用液氨制冷的行业领域", "1"): ("第十二条", "（一）"),
    ("使用液氨制冷的行业领域", "2"): ("第十二条", "（二）"),
    ("有限空间作业相关的行业领域", "1"): ("第十三条", "（一）"),
    ("冶金行业", "1"): ("第四条", "（一）"),
    ("冶金行业", "11"): ("第三条", "（三）"),
    ("有色行业", "10"): ("第三条", "（三）"),
    ("建材行业", "1"): ("第六条", "（一）"),
    ("建材行业", "5"): ("第六条", "（四）"),
    ("建材行业", "6"): ("第六条", "（八）"),
}


@pytest.mark.django_db
def test_the_2017_gongmao_standard_ships_as_repealed_by_order_no_10_with_its_59_items():
    old = Standard.objects.get(code="GM2017")
    assert old.title == "工贸行业重大生产安全事故隐患判定标准（2017版）"
    assert old.document_number == "安监总管四〔2017〕129号"
    assert old.repealed_on == datetime.date(2023, 5, 15)
    assert old.repealed_by.code == "GM10"
    assert str(old.status_label) == "已废止"
    counts = {}
    for article in old.items.values_list("article", flat=True):
        counts[article] = counts.get(article, 0) + 1
    # The category counts the wenke99 copy lists: 专项类 14 (10, 2, 2) and 行业类 45.
    assert counts == {
        "存在粉尘爆炸危险的行业领域": 10,
        "使用液氨制冷的行业领域": 2,
        "有限空间作业相关的行业领域": 2,
        "冶金行业": 11,
        "有色行业": 10,
        "建材行业": 6,
        "机械行业": 7,
        "轻工行业": 6,
        "纺织行业": 2,
        "烟草行业": 2,
        "商贸行业": 1,
    }


@pytest.mark.django_db
def test_the_2017_items_resolve_to_their_2023_equivalents_and_only_those():
    mapped = {
        (c.article, c.item): (c.replaced_by.article, c.replaced_by.item)
        for c in Criterion.objects.filter(standard__code="GM2017", replaced_by__isnull=False)
    }
    assert mapped == GM2017_MAP
    for (article, item), (new_article, new_item) in GM2017_MAP.items():
        old = Criterion.objects.get(standard__code="GM2017", article=article, item=item)
        current = old.current()
        assert current.standard.code == "GM10"
        assert (current.article, current.item) == (new_article, new_item)
    unmapped = Criterion.objects.get(standard__code="GM2017", article="机械行业", item="1")
    assert unmapped.current() is None


@pytest.mark.django_db
def test_the_2017_industry_items_apply_to_their_industry_only():
    metallurgy = Criterion.objects.filter(standard__code="GM2017").for_industry("metallurgy")
    articles = set(metallurgy.values_list("article", flat=True))
    assert "冶金行业" in articles and "存在粉尘爆炸危险的行业领域" in articles
    assert "有色行业" not in articles and "商贸行业" not in articles


@pytest.mark.django_db(transaction=True)
def test_the_2017_data_migration_ships_it_and_removes_it_going_back(migrator):
    migrator.apply_initial_migration(("criteria", "0004_criterion_replaced_by"))
    new = migrator.apply_tested_migration(("criteria", "0005_ship_gongmao_2017"))
    Criterion = new.apps.get_model("criteria", "Criterion")
    assert Criterion.objects.filter(standard__code="GM2017").count() == 59
    assert Criterion.objects.filter(standard__code="GM2017", replaced_by__isnull=False).count() == 9
    back = migrator.apply_tested_migration(("criteria", "0004_criterion_replaced_by"))
    assert not back.apps.get_model("criteria", "Standard").objects.filter(code="GM2017").exists()
    assert (
        back.apps.get_model("criteria", "Criterion").objects.filter(standard__code="GM10").count()
        == 19
    )
    migrator.reset()
