from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("核心")

    def ready(self):
        from core import preferences  # noqa: F401 — connects the login receiver
