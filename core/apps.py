from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("核心")

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import preferences  # noqa: F401 — connects the login receiver
        from core.sqlite import analyze

        post_migrate.connect(analyze, sender=self, dispatch_uid="core.sqlite.analyze")
