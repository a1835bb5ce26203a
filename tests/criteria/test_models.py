import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from criteria.models import Criterion, Standard
from tests.criteria.conftest import CHECKED, make_item, make_standard

pytestmark = pytest.mark.django_db


def ours():
    """Items of the test's own standards (the shipped library is in the database too)."""
    return Criterion.objects.filter(standard__code__in=["M", "C", "OLD", "G", "L"])


def test_an_item_number_is_unique_within_its_article():
    standard = make_standard()
    make_item(standard, article="第三条", item="（一）")
    make_item(standard, article="第四条", item="（一）")
    with pytest.raises(IntegrityError, match="UNIQUE|unique|duplicate"):
        with transaction.atomic():
            make_item(standard, article="第三条", item="（一）")


def test_full_clean_names_the_duplicate_in_chinese():
    standard = make_standard()
    make_item(standard, article="第三条", item="（一）")
    duplicate = Criterion(
        standard=standard,
        article="第三条",
        item="（一）",
        text="另一条。",
        source="来源",
        checked_on=CHECKED,
    )
    with pytest.raises(ValidationError, match="同一标准中已有相同条、项的条目"):
        duplicate.full_clean()


@pytest.mark.parametrize(
    ("field", "constraint"),
    [
        ("text", "criterion_text_not_blank"),
        ("source", "criterion_source_not_blank"),
        ("item", "criterion_item_not_blank"),
    ],
)
def test_an_item_needs_text_source_and_number(field, constraint):
    standard = make_standard()
    with pytest.raises(IntegrityError, match=constraint + "|CHECK"):
        with transaction.atomic():
            make_item(standard, **{field: ""})


def test_a_standard_needs_a_source():
    with pytest.raises(IntegrityError, match="standard_source_not_blank|CHECK"):
        with transaction.atomic():
            make_standard(source="")


def test_a_standard_cannot_be_repealed_before_it_came_into_force():
    with pytest.raises(IntegrityError, match="standard_repealed_after_in_force|CHECK"):
        with transaction.atomic():
            make_standard(
                in_force_from=datetime.date(2023, 5, 15), repealed_on=datetime.date(2023, 1, 1)
            )


def test_a_standard_cannot_replace_itself():
    standard = make_standard(repealed_on=datetime.date(2024, 1, 1))
    standard.repealed_by = standard
    with pytest.raises(IntegrityError, match="standard_not_repealed_by_itself|CHECK"):
        with transaction.atomic():
            standard.save()


def test_a_replacement_needs_a_repeal_date():
    new = make_standard("NEW")
    with pytest.raises(IntegrityError, match="standard_repealed_by_needs_date|CHECK"):
        with transaction.atomic():
            make_standard("OLD", repealed_by=new)


def test_status_is_repealed_from_the_repeal_date_on(time_machine):
    time_machine.move_to(datetime.datetime(2025, 10, 31, 12, tzinfo=datetime.UTC))
    standard = make_standard(repealed_on=datetime.date(2025, 11, 1))
    assert str(standard.status_label) == "现行"
    time_machine.move_to(datetime.datetime(2025, 11, 1, 12, tzinfo=datetime.UTC))
    assert str(standard.status_label) == "已废止"


def test_items_apply_to_their_own_industries_or_else_to_the_standards(library):
    own = make_item(library["chem"], item="（九）", industries="machinery")
    machinery = set(ours().for_industry("machinery"))
    assert machinery == {library["m1"], library["m2"], library["o1"], own}
    assert set(ours().for_industry("hazchem")) == {library["c1"]}


def test_a_standard_without_industries_applies_to_every_industry(library):
    general = make_item(make_standard("G", industries=""))
    assert general in ours().for_industry("tobacco")


def test_industry_codes_match_whole_words_only(db):
    light = make_item(make_standard("L", industries="light"))
    assert light not in ours().for_industry("lig")


def test_in_force_leaves_out_repealed_standards(library):
    assert library["o1"] not in ours().in_force()
    assert library["m1"] in ours().in_force()


def test_search_needs_every_word_in_text_keywords_or_standard(library):
    assert set(ours().search("承包")) == {library["m1"], library["o1"]}
    assert set(ours().search("机械标准 特种作业")) == {library["m2"]}
    assert not ours().search("承包 罐区").exists()


def test_the_basis_pair_fits_the_hazard_fields():
    item = make_item(make_standard(), article="第三条", text="长" * 300)
    standard, clause = item.basis()
    assert standard == "《测试标准T1》（测试〔2026〕T1号）"
    assert clause.startswith("第三条第（一）项：长")
    assert len(clause) == 200 and clause.endswith("…")


def test_an_item_without_article_is_referenced_by_its_number():
    assert make_item(make_standard(), item="（五）").reference == "（五）"


def test_standards_are_not_deleted_while_items_cite_them(library):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError, match="protected"):
        Standard.objects.filter(pk=library["machinery"].pk).delete()
