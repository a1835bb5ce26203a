from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("检查")

    def ready(self):
        from grid import scoping
        from inspections.models import EnforcementAction, Inspection

        scoping.register_records("inspections", Inspection)
        scoping.register_records("enforcement", EnforcementAction)
        from hazards.selectors import register_start_choices
        from inspections.sync import start_choices

        register_start_choices(start_choices)  # 开始检查 on 我的工作
        from inspections.imports import PERMISSION, import_enforcement, import_inspections
        from jobs import registry

        registry.register_import(
            "import_inspections",
            label=_("检查记录导入"),
            permission=PERMISSION,
            importer=import_inspections,
        )
        registry.register_import(
            "import_enforcement",
            label=_("执法记录导入"),
            permission=PERMISSION,
            importer=import_enforcement,
        )
