"""The WSGI entry point loads the views and freezes what it loaded (config/wsgi.py)."""

import subprocess
import sys

from django.conf import settings

PROBE = """
import gc, sys
import config.wsgi
print(gc.get_freeze_count(), "hazards.views" in sys.modules, callable(config.wsgi.application))
"""


def test_loading_the_wsgi_application_imports_the_views_and_freezes_them_for_the_gc():
    out = subprocess.run(  # noqa: S603 — our own interpreter and a fixed probe
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"},
    ).stdout.split()

    frozen, views_loaded, app = int(out[0]), out[1], out[2]
    assert frozen > 10_000  # Django and the apps, not a handful of objects
    assert views_loaded == "True"
    assert app == "True"
