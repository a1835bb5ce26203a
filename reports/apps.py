from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报表")

    def ready(self):
        from functools import partial

        from jobs import registry
        from reports.exporters import EXPORTERS, build_exporter

        # Every export can run as a background job: kind, permission and file name come
        # from the exporter's own declaration.
        for identifier, exporter in EXPORTERS.items():
            registry.register_export(
                f"export_{identifier}",
                label=format_lazy(_("{name}导出"), name=exporter.file_stem),
                permission=exporter.permission,
                build=partial(build_exporter, identifier),
                file_stem=exporter.file_stem,
            )
