from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("隐患")

    def ready(self):
        from grid import scoping
        from hazards.models import Hazard, SupervisionOrder

        scoping.register_records("hazards", Hazard)
        scoping.register_records("orders", SupervisionOrder, "hazard__enterprise_id")
        from core.middleware import register_upload_check
        from hazards.imports import import_hazards
        from hazards.photos import check_request
        from jobs import registry

        # The photos of any upload are weighed from their headers before a view reads them.
        register_upload_check(check_request)

        registry.register_import(
            "import_hazards",
            label=_("隐患台账导入"),
            permission="hazard.import",
            importer=import_hazards,
        )
