"""The shipped checklists' 判定标准 references (0003_checklist_templates), as docs/criteria.md
checked them on 2026-11-30: a reference to a verified library item becomes a link to it
(ChecklistItem.criterion); a reference with no verified item behind it is removed, and the item,
which then names no 判定标准, defaults to 一般隐患 (the inspector raises it and picks the item).

Only rows still exactly as shipped are changed, so an administrator's edit is left alone.
Going back restores the shipped text and level and removes the link.
"""

from django.db import migrations

LAW = "《中华人民共和国安全生产法》"
FIRE = "《中华人民共和国消防法》"
MAJOR_STD = "《工贸企业重大事故隐患判定标准》"
GRAND = "安全生产大检查登记表"
CROWD = "人员密集场所消防安全检查表"

# (template, item text (opening), shipped basis, library item (standard code, article, item)
# or None, new basis)
CHANGES = [
    (
        GRAND,
        "将生产经营项目、场所、设备发包或出租的",
        f"{MAJOR_STD}第三条第（一）项；{LAW}第四十九条",
        ("GM10", "第三条", "（一）"),
        None,
    ),
    (
        GRAND,
        "电工、焊工、高处作业等特种作业人员",
        f"{MAJOR_STD}第三条第（二）项；{LAW}第三十条",
        ("GM10", "第三条", "（二）"),
        None,
    ),
    # 第十三条（二） (审批, 先通风再检测后作业) is not in the library: its text was not verified.
    (
        GRAND,
        "有限空间作业执行审批",
        f"{MAJOR_STD}第十三条；《工贸企业有限空间作业安全规定》",
        None,
        "《工贸企业有限空间作业安全规定》",
    ),
    # No copy found shows the dust items' article number.
    (
        GRAND,
        "存在粉尘爆炸危险的场所",
        f"{MAJOR_STD}第十一条；《工贸企业粉尘防爆安全规定》",
        None,
        "《工贸企业粉尘防爆安全规定》",
    ),
    # GB 35181-2017 was replaced by GB 35181-2025, whose clause could not be checked.
    (
        CROWD,
        "营业期间安全出口数量符合要求",
        f"《重大火灾隐患判定方法》GB 35181 第6.2条；{FIRE}第二十八条",
        None,
        f"{FIRE}第二十八条",
    ),
]


def forward(apps, schema_editor):
    Item = apps.get_model("inspections", "ChecklistItem")
    Criterion = apps.get_model("criteria", "Criterion")
    for template, text, basis, target, new_basis in CHANGES:
        items = Item.objects.filter(
            category__template__name=template,
            text__startswith=text,
            basis=basis,
            default_level="major",
        )
        if target:
            code, article, item = target
            criterion = Criterion.objects.get(standard__code=code, article=article, item=item)
            items.update(criterion=criterion)
        else:
            items.update(basis=new_basis, default_level="general", criterion=None)


def backward(apps, schema_editor):
    Item = apps.get_model("inspections", "ChecklistItem")
    for template, text, basis, target, new_basis in CHANGES:
        if target:
            Item.objects.filter(
                category__template__name=template,
                text__startswith=text,
                basis=basis,
                criterion__standard__code=target[0],
                criterion__article=target[1],
                criterion__item=target[2],
            ).update(criterion=None)
        else:
            Item.objects.filter(
                category__template__name=template,
                text__startswith=text,
                basis=new_basis,
                default_level="general",
            ).update(basis=basis, default_level="major")


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0012_report_cover_kind_outing"),
        ("criteria", "0005_ship_gongmao_2017"),
    ]

    operations = [migrations.RunPython(forward, backward)]
