"""The larger-text mode (适老化, issue 20): kept per user, read from the session.

``UserPreference.larger_text`` is where the choice lives, so it follows the user to every
device. At login it is copied into the session, which every signed-in page reads anyway:
base.html puts ``text-larger`` on <html> without a query of its own. ``text_size`` (POST,
CSRF) changes both.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import UserPreference, larger_text_for

SESSION_KEY = "larger_text"
CHOICES = {"larger": True, "standard": False}


@receiver(user_logged_in, dispatch_uid="core.preferences.remember_text_size")
def remember_text_size(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = larger_text_for(user)


@login_required
@require_POST
def text_size(request):
    """Switch the larger-text mode on ("larger") or off ("standard"), back to the page."""
    size = request.POST.get("size", "")
    if size not in CHOICES:
        return HttpResponseBadRequest(_("字号只能选择“大字模式”或“标准字号”。"))
    larger = CHOICES[size]
    UserPreference.objects.update_or_create(user=request.user, defaults={"larger_text": larger})
    request.session[SESSION_KEY] = larger
    messages.success(request, _("已切换为大字模式。") if larger else _("已切换为标准字号。"))
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    return HttpResponseRedirect(back)
