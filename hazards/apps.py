from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("隐患")

    def ready(self):
        from hazards.imports import import_hazards
        from jobs import registry

        registry.register_import(
            "import_hazards",
            label=_("隐患台账导入"),
            permission="hazard.import",
            importer=import_hazards,
        )
