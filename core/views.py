from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from grid import roles


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
    role = roles.role_of(request.user)
    from django.urls import NoReverseMatch, reverse

    targets = {
        roles.INSPECTOR: ["hazards:my_work", "enterprises:list"],
        roles.SUPERVISOR: ["reports:dashboard", "hazards:list", "enterprises:list"],
        roles.COUNTY: ["reports:dashboard", "hazards:list", "enterprises:list"],
        roles.ADMIN: ["reports:dashboard", "enterprises:list"],
    }.get(role, ["enterprises:list"])
    for name in targets:
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return redirect("enterprises:list")
