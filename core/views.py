from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from grid import roles

# The page each role starts its day on; anyone else lands on the enterprise list.
START_PAGES = {
    roles.INSPECTOR: "hazards:my_work",
    roles.SUPERVISOR: "reports:dashboard",
    roles.COUNTY: "reports:dashboard",
    roles.ADMIN: "reports:dashboard",
}


@never_cache
def healthz(request):
    """200 when the database answers; 503 otherwise. For monitoring and systemd."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means "unhealthy"
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    """Send each role to the page it starts its day on."""
    return redirect(START_PAGES.get(roles.role_of(request.user), "enterprises:list"))
