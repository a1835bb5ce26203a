"""Production settings, with the static files collected into bench/results/.

Everything else (middleware, database options, CONN_MAX_AGE, templates) is exactly
config.settings, so the figures are those of a real deployment. STATIC_ROOT moves, so the
benchmark's collectstatic never races with another checkout's ``make run``, and the URLs
gain the bare page the ledger is compared with (bench/views.py).
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR

STATIC_ROOT = BASE_DIR / "bench" / "results" / "staticfiles"
DEBUG = False
ROOT_URLCONF = "bench.urls"
