"""Enterprise accounts: list and create from the enterprise page, create in bulk from the
enterprise list, deactivate; the password change every first login is sent to."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises import accounts
from enterprises.forms import AccountForm, BulkAccountsForm
from enterprises.models import EnterpriseAccount
from grid import scoping


def _enterprise(request, pk):
    """The enterprise (404 outside the scope), then the role (403)."""
    enterprise = scoping.get_or_404(scoping.enterprises_for(request.user), pk=pk)
    if not scoping.allowed(request.user, "account.manage"):
        raise PermissionDenied
    return enterprise


@login_required
def enterprise_accounts(request, pk):
    """企业账号 of one enterprise; POST creates one and shows its password once."""
    enterprise = _enterprise(request, pk)
    form = AccountForm(request.POST or None, initial={"name": enterprise.safety_officer})
    created = []
    if request.method == "POST" and form.is_valid():
        try:
            created = [accounts.create_account(enterprise, by=request.user, **form.cleaned_data)]
        except ValidationError as exc:
            form.add_error(None, exc)  # a field's error lands on its field
        else:
            form = AccountForm(initial={"name": enterprise.safety_officer})
    rows = EnterpriseAccount.objects.filter(enterprise=enterprise).select_related("user")
    return render(
        request,
        "enterprises/accounts.html",
        {"enterprise": enterprise, "form": form, "accounts": rows, "created": created},
    )


@login_required
@require_POST
def accounts_bulk(request):
    """One account for each enterprise ticked on the list that has no active one."""
    if not scoping.allowed(request.user, "account.manage"):
        raise PermissionDenied
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    visible = list(scoping.enterprises_for(request.user).filter(pk__in=ids).order_by("name"))
    form = BulkAccountsForm(request.POST, enterprises=visible)
    created = []
    if form.is_valid():
        chosen = [e for e in visible if e.pk in set(form.cleaned_data["ids"])]
        try:
            created = accounts.create_accounts(chosen, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
    return render(
        request,
        "enterprises/accounts_bulk.html",
        {"form": form, "created": created, "skipped": len(visible) - len(created)},
        status=200 if form.is_valid() else 400,
    )


@login_required
@require_POST
def account_deactivate(request, pk):
    account = scoping.get_or_404(
        scoping.limit(
            EnterpriseAccount.objects.select_related("user", "enterprise"),
            request.user,
            prefix="enterprise__",
        ),
        pk=pk,
    )
    accounts.deactivate(account, by=request.user)
    messages.success(request, _("账号 %(name)s 已停用。") % {"name": account.user.username})
    return redirect("enterprises:accounts", pk=account.enterprise_id)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; it also ends the first-login rule."""

    template_name = "enterprises/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_changed(self.request.user)
        self.request.session.pop(accounts.SESSION_KEY, None)
        messages.success(self.request, _("密码已修改。"))
        return response


password_change = PasswordChangeView.as_view()
