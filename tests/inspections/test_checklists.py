import pytest

from inspections.models import ChecklistItem, ChecklistTemplate
from inspections.services import split_basis

GRAND = "安全生产大检查登记表"


@pytest.mark.django_db
def test_the_migrated_database_ships_the_43_item_grand_inspection_form():
    template = ChecklistTemplate.objects.get(name=GRAND)
    assert template.categories.count() == 5
    items = ChecklistItem.objects.filter(category__template=template)
    assert items.count() == 43
    assert list(template.categories.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert all(item.text for item in items)
    assert items.exclude(basis="").count() == 43
    majors = items.filter(default_level="major")
    assert 1 <= majors.count() <= 6
    for item in majors:
        standard, clause = split_basis(item.basis)
        assert standard.startswith("《") and clause, item.basis


@pytest.mark.django_db
def test_an_industry_template_ships_too():
    template = ChecklistTemplate.objects.get(name="人员密集场所消防安全检查表")
    assert 8 <= ChecklistItem.objects.filter(category__template=template).count() <= 20
    assert template.industry == "fire_key_unit"


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_ships_the_templates_and_removes_them_going_back(migrator):
    old_state = migrator.apply_initial_migration(("inspections", "0002_constraints"))
    Template = old_state.apps.get_model("inspections", "ChecklistTemplate")
    assert not Template.objects.filter(name=GRAND).exists()

    new_state = migrator.apply_tested_migration(("inspections", "0003_checklist_templates"))
    Template = new_state.apps.get_model("inspections", "ChecklistTemplate")
    Item = new_state.apps.get_model("inspections", "ChecklistItem")
    grand = Template.objects.get(name=GRAND)
    assert grand.categories.count() == 5
    assert Item.objects.filter(category__template=grand).count() == 43

    back = migrator.apply_tested_migration(("inspections", "0002_constraints"))
    Template = back.apps.get_model("inspections", "ChecklistTemplate")
    assert not Template.objects.filter(name=GRAND).exists()
    migrator.reset()


def test_a_basis_splits_into_standard_and_clause():
    assert split_basis(
        "《工贸企业重大事故隐患判定标准》第三条第（一）项；《安全生产法》第四十九条"
    ) == (
        "《工贸企业重大事故隐患判定标准》",
        "第三条第（一）项",
    )
    assert split_basis("") == ("", "")
    assert split_basis("《重大火灾隐患判定方法》GB 35181 第6.2条") == (
        "《重大火灾隐患判定方法》",
        "GB 35181 第6.2条",
    )
