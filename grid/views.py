"""The site's front door: each role's start page (the navigation is grid/navigation.py).

These read the roles, so they sit in grid, not in core (which imports no app)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from grid import roles

# The page each role starts its day on; anyone else lands on the enterprise list.
START_PAGES = {
    roles.INSPECTOR: "hazards:my_work",
    roles.SUPERVISOR: "reports:dashboard",
    roles.COUNTY: "reports:dashboard",
    roles.ADMIN: "reports:dashboard",
    roles.ENTERPRISE: "hazards:list",
}


@login_required
def home(request):
    """Send each role to the page it starts its day on."""
    return redirect(START_PAGES.get(roles.role_of(request.user), "enterprises:list"))
