"""Ship the checklist templates a township safety office starts with.

安全生产大检查登记表 follows the town's self-made form of seed 001 (5 categories, 43 items);
人员密集场所消防安全检查表 is the first industry template. The data is frozen here, as a
migration must be: administrators edit the templates in the admin afterwards, and past
inspections keep their own snapshot of the items they used.

Items whose default level is 重大隐患 carry the 判定标准 clause first in their basis, so a
hazard registered from them is prefilled with 判定依据 (standard and clause).
"""

from django.db import migrations

LAW = "《中华人民共和国安全生产法》"
FIRE = "《中华人民共和国消防法》"
SE = "《中华人民共和国特种设备安全法》"
HC = "《危险化学品安全管理条例》"
MAJOR_STD = "《工贸企业重大事故隐患判定标准》"

GENERAL = "general"
MAJOR = "major"

GRAND_INSPECTION = {
    "name": "安全生产大检查登记表",
    "industry": "",
    "description": (
        "乡镇安全生产大检查通用登记表，5大类43项。包保人员对照逐项排查，发现隐患逐一登记、"
        "制定整改措施，检查表张贴在企业门口公开。"
    ),
    "categories": [
        (
            "安全管理（责任制与制度）",
            [
                (
                    "建立全员安全生产责任制，明确各岗位的责任人员、责任范围和考核标准，"
                    "主要负责人与各部门、班组逐级签订安全生产责任书",
                    f"{LAW}第四条、第二十二条",
                    GENERAL,
                ),
                (
                    "主要负责人组织制定并实施本单位安全生产规章制度和操作规程，"
                    "定期研究安全生产工作",
                    f"{LAW}第二十一条",
                    GENERAL,
                ),
                (
                    "按规定设置安全生产管理机构或者配备专（兼）职安全生产管理人员",
                    f"{LAW}第二十四条",
                    GENERAL,
                ),
                (
                    "保证安全生产资金投入，按规定提取和使用安全生产费用，建立使用台账",
                    f"{LAW}第二十三条",
                    GENERAL,
                ),
                (
                    "开展安全风险辨识评估，实行分级管控，在醒目位置公告主要风险点"
                    "（风险四色分布图、岗位风险告知卡）",
                    f"{LAW}第四十一条",
                    GENERAL,
                ),
                (
                    "建立事故隐患排查治理制度，定期组织排查，隐患排查治理情况如实记录"
                    "并向从业人员通报",
                    f"{LAW}第四十一条",
                    GENERAL,
                ),
                (
                    "将生产经营项目、场所、设备发包或出租的，对承包、承租单位统一协调管理，"
                    "签订专门的安全生产管理协议并定期进行安全检查",
                    f"{MAJOR_STD}第三条第（一）项；{LAW}第四十九条",
                    MAJOR,
                ),
                (
                    "依法参加工伤保险；高危行业领域按规定投保安全生产责任保险",
                    f"{LAW}第五十一条",
                    GENERAL,
                ),
                (
                    "安全生产会议记录、检查记录、隐患整改台账等档案资料齐全，"
                    "如实反映安全生产工作开展情况",
                    "《安全生产事故隐患排查治理暂行规定》第十条",
                    GENERAL,
                ),
            ],
        ),
        (
            "教育培训与持证上岗",
            [
                (
                    "主要负责人和安全生产管理人员具备与本单位生产经营活动相适应的安全生产知识"
                    "和管理能力，按规定经考核合格",
                    f"{LAW}第二十七条",
                    GENERAL,
                ),
                (
                    "对从业人员进行安全生产教育和培训，新上岗人员经厂（公司）、车间、班组"
                    "三级安全教育，未经培训合格不得上岗作业",
                    f"{LAW}第二十八条",
                    GENERAL,
                ),
                (
                    "建立安全生产教育和培训档案，如实记录培训的时间、内容、参加人员及考核结果",
                    f"{LAW}第二十八条",
                    GENERAL,
                ),
                (
                    "被派遣劳动者、实习学生纳入本单位从业人员统一管理，进行岗位安全操作规程"
                    "和安全操作技能的教育培训",
                    f"{LAW}第二十八条",
                    GENERAL,
                ),
                (
                    "电工、焊工、高处作业等特种作业人员经专门的安全作业培训，"
                    "取得相应资格后持证上岗",
                    f"{MAJOR_STD}第三条第（二）项；{LAW}第三十条",
                    MAJOR,
                ),
                (
                    "叉车司机、起重机司机、锅炉工等特种设备作业人员取得相应资格证书，持证上岗",
                    f"{SE}第十四条",
                    GENERAL,
                ),
                (
                    "采用新工艺、新技术、新材料或者使用新设备时，对从业人员进行专门的"
                    "安全生产教育和培训",
                    f"{LAW}第二十九条",
                    GENERAL,
                ),
                (
                    "从业人员熟悉本岗位安全操作规程和应急处置措施，会正确使用劳动防护用品"
                    "（现场抽问）",
                    f"{LAW}第二十八条、第四十四条",
                    GENERAL,
                ),
            ],
        ),
        (
            "现场作业与设备设施",
            [
                (
                    "在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
                    f"{LAW}第三十五条",
                    GENERAL,
                ),
                (
                    "安全设备的安装、使用、检测、维修、改造和报废符合国家标准或者行业标准，"
                    "经常性维护、保养并定期检测",
                    f"{LAW}第三十六条",
                    GENERAL,
                ),
                (
                    "机械设备的传动带、齿轮、联轴器等外露转动部位设置防护罩或防护栏，完好有效",
                    "GB/T 8196《机械安全 防护装置 固定式和活动式防护装置的设计与制造一般要求》",
                    GENERAL,
                ),
                (
                    "配电箱（柜）完好并上锁，电气线路规范敷设，无私拉乱接，"
                    "按规定设置漏电保护装置，保护接地（接零）可靠",
                    "GB 50054《低压配电设计规范》",
                    GENERAL,
                ),
                (
                    "动火、高处、吊装、临时用电等危险作业执行审批制度，"
                    "安排专门人员进行现场安全管理",
                    f"{LAW}第四十三条",
                    GENERAL,
                ),
                (
                    "有限空间作业执行审批，落实“先通风、再检测、后作业”要求，作业现场设置监护人员",
                    f"{MAJOR_STD}第十三条；《工贸企业有限空间作业安全规定》",
                    MAJOR,
                ),
                (
                    "存在粉尘爆炸危险的场所，除尘系统按规定采用防爆措施，落实粉尘清理制度，"
                    "不得使用明火或产生火花的设备",
                    f"{MAJOR_STD}第十一条；《工贸企业粉尘防爆安全规定》",
                    MAJOR,
                ),
                (
                    "生产经营场所和员工宿舍不设在同一座建筑物内，并与员工宿舍保持安全距离",
                    f"{LAW}第四十二条",
                    GENERAL,
                ),
                (
                    "为从业人员提供符合国家标准或者行业标准的劳动防护用品，"
                    "并监督、教育其正确佩戴和使用",
                    f"{LAW}第四十五条",
                    GENERAL,
                ),
                (
                    "厂区道路和车间通道畅通，物料堆放整齐稳固，作业平台、临边、洞口设置防护栏杆",
                    "GB 4053.3《固定式钢梯及平台安全要求 第3部分：工业防护栏杆及钢平台》",
                    GENERAL,
                ),
            ],
        ),
        (
            "消防与应急管理",
            [
                (
                    "按规定配置灭火器、消火栓等消防设施和器材，设置消防安全标志，"
                    "定期检验维修，保持完好有效",
                    f"{FIRE}第十六条",
                    GENERAL,
                ),
                (
                    "疏散通道、安全出口畅通，未占用、堵塞、封闭；应急照明和疏散指示标志完好",
                    f"{FIRE}第二十八条；{LAW}第四十二条",
                    GENERAL,
                ),
                (
                    "生产、储存、经营易燃易爆危险品的场所未与居住场所设置在同一建筑物内",
                    f"{FIRE}第十九条",
                    GENERAL,
                ),
                (
                    "建筑的耐火等级、防火分区和防火间距符合要求，未擅自改变使用性质，"
                    "未违规搭建易燃可燃材料彩钢板房",
                    "GB 50016《建筑设计防火规范》",
                    GENERAL,
                ),
                (
                    "电焊、气割等动火作业办理动火审批，落实现场监护和灭火措施",
                    f"{FIRE}第二十一条",
                    GENERAL,
                ),
                (
                    "制定生产安全事故应急救援预案，与县、乡镇应急预案相衔接，并定期组织演练",
                    f"{LAW}第八十一条",
                    GENERAL,
                ),
                (
                    "建立应急救援组织或指定兼职应急救援人员，配备必要的应急救援器材、设备和物资，"
                    "并经常性维护保养",
                    f"{LAW}第八十二条",
                    GENERAL,
                ),
                (
                    "落实消防安全责任人和管理人，开展每日防火巡查和定期防火检查，"
                    "组织员工消防安全培训",
                    "《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）",
                    GENERAL,
                ),
            ],
        ),
        (
            "危险化学品与特种设备",
            [
                (
                    "危险化学品储存在专用仓库、专用场地或专用储存室内，由专人负责管理，"
                    "分类分区存放，禁忌物料不混存",
                    f"{HC}第二十四条",
                    GENERAL,
                ),
                (
                    "危险化学品出入库核查登记并建立台账；剧毒化学品、易制爆危险化学品"
                    "实行双人收发、双人保管",
                    f"{HC}第二十四条、第二十五条",
                    GENERAL,
                ),
                (
                    "对重大危险源登记建档，进行定期检测、评估、监控，并制定应急预案",
                    f"{LAW}第四十条",
                    GENERAL,
                ),
                (
                    "使用危险化学品的作业场所设置通风、防爆、泄漏报警等安全设施，"
                    "张贴化学品安全技术说明书和安全标签",
                    f"{HC}第二十条",
                    GENERAL,
                ),
                (
                    "锅炉、压力容器、电梯、起重机械、场（厂）内专用机动车辆等特种设备"
                    "办理使用登记，登记标志置于显著位置",
                    f"{SE}第三十三条",
                    GENERAL,
                ),
                (
                    "特种设备在检验合格有效期内使用，未使用未经检验、检验不合格"
                    "或者国家明令淘汰、已经报废的特种设备",
                    f"{SE}第四十条",
                    GENERAL,
                ),
                (
                    "建立特种设备安全技术档案，对安全附件、安全保护装置定期校验、检修并作出记录",
                    f"{SE}第三十五条、第三十九条",
                    GENERAL,
                ),
                (
                    "液化石油气、天然气等燃气使用场所安装可燃气体浓度报警装置，"
                    "燃气管道和连接软管无老化、破损",
                    "《城镇燃气管理条例》；GB 50028《城镇燃气设计规范》",
                    GENERAL,
                ),
            ],
        ),
    ],
}

CROWDED_PLACES = {
    "name": "人员密集场所消防安全检查表",
    "industry": "fire_key_unit",
    "description": (
        "适用于商场、超市、宾馆、餐饮、娱乐场所、学校、养老机构等人员密集场所的消防安全检查。"
    ),
    "categories": [
        (
            "消防安全管理",
            [
                (
                    "明确消防安全责任人、管理人，制定消防安全制度和灭火、应急疏散预案",
                    f"{FIRE}第十六条、第十七条",
                    GENERAL,
                ),
                (
                    "每日开展防火巡查，营业期间每两小时巡查不少于一次，巡查记录完整",
                    "GB/T 40248《人员密集场所消防安全管理》",
                    GENERAL,
                ),
                (
                    "员工经消防安全培训，会报火警、会扑救初起火灾、会组织人员疏散",
                    f"{FIRE}第十七条",
                    GENERAL,
                ),
                (
                    "消防控制室实行24小时值班，每班不少于2人，值班人员持证上岗",
                    "GB 25506《消防控制室通用技术要求》",
                    GENERAL,
                ),
            ],
        ),
        (
            "建筑防火与安全疏散",
            [
                (
                    "安全出口、疏散通道未被锁闭、占用或堵塞，疏散门向疏散方向开启",
                    f"{FIRE}第二十八条；GB 50016《建筑设计防火规范》",
                    GENERAL,
                ),
                (
                    "营业期间安全出口数量符合要求，门窗未设置影响逃生和灭火救援的障碍物",
                    f"《重大火灾隐患判定方法》GB 35181 第6.2条；{FIRE}第二十八条",
                    MAJOR,
                ),
                (
                    "室内装修未使用易燃可燃材料，未采用易燃可燃彩钢夹芯板搭建",
                    "GB 50222《建筑内部装修设计防火规范》",
                    GENERAL,
                ),
                (
                    "人员密集场所未与生产、储存、经营易燃易爆危险品场所设置在同一建筑物内",
                    f"{FIRE}第十九条",
                    GENERAL,
                ),
                (
                    "电动自行车未在建筑内的共用走道、楼梯间、安全出口处停放或充电",
                    "《高层民用建筑消防安全管理规定》（应急管理部令第5号）第三十七条",
                    GENERAL,
                ),
            ],
        ),
        (
            "消防设施器材",
            [
                (
                    "火灾自动报警、自动喷水灭火系统处于正常工作状态，未擅自停用或关闭",
                    "GB 25201《建筑消防设施的维护管理》",
                    GENERAL,
                ),
                (
                    "灭火器配置数量和类型符合要求，压力正常，在有效期内",
                    "GB 50140《建筑灭火器配置设计规范》",
                    GENERAL,
                ),
                (
                    "应急照明灯和疏散指示标志完好，断电后能正常工作",
                    "GB 51309《消防应急照明和疏散指示系统技术标准》",
                    GENERAL,
                ),
                (
                    "室内消火栓箱内水带、水枪配置齐全，未被遮挡、圈占",
                    f"{FIRE}第二十八条",
                    GENERAL,
                ),
            ],
        ),
    ],
}

TEMPLATES = [GRAND_INSPECTION, CROWDED_PLACES]


def ship_templates(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Category = apps.get_model("inspections", "ChecklistCategory")
    Item = apps.get_model("inspections", "ChecklistItem")
    for spec in TEMPLATES:
        if Template.objects.filter(name=spec["name"]).exists():
            continue  # an administrator already made one with this name: keep theirs
        template = Template.objects.create(
            name=spec["name"], industry=spec["industry"], description=spec["description"]
        )
        for c_number, (c_name, items) in enumerate(spec["categories"], start=1):
            category = Category.objects.create(template=template, number=c_number, name=c_name)
            Item.objects.bulk_create(
                Item(category=category, number=i, text=text, basis=basis, default_level=level)
                for i, (text, basis, level) in enumerate(items, start=1)
            )


def remove_templates(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Inspection = apps.get_model("inspections", "Inspection")
    for spec in TEMPLATES:
        template = Template.objects.filter(name=spec["name"]).first()
        if template and not Inspection.objects.filter(template=template).exists():
            template.delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_constraints")]

    operations = [migrations.RunPython(ship_templates, remove_templates)]
