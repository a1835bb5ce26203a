from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业")

    def ready(self):
        from enterprises.models import Enterprise
        from grid import scoping

        scoping.register_records("enterprises", Enterprise, "id")
        scoping.register_enterprise_of(_enterprise_of)
        from enterprises import accounts  # noqa: F401 — connects the first-login signal
        from enterprises.imports import import_enterprises
        from jobs import registry

        registry.register_import(
            "import_enterprises",
            label=_("企业导入"),
            permission="enterprise.import",
            importer=import_enterprises,
        )


def _enterprise_of(user):
    from enterprises.models import EnterpriseAccount

    return (
        EnterpriseAccount.objects.filter(user=user).values_list("enterprise_id", flat=True).first()
    )
