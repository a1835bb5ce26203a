from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业")

    def ready(self):
        from enterprises import accounts  # noqa: F401 — connects the first-login signal
        from enterprises.imports import import_enterprises
        from jobs import registry

        registry.register_import(
            "import_enterprises",
            label=_("企业导入"),
            permission="enterprise.import",
            importer=import_enterprises,
        )
