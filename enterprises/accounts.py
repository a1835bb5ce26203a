"""Enterprise accounts (role 企业): created by a township supervisor or an administrator,
with a one-time password shown once; the first login must set a new one; deactivated,
never deleted. The only writer of ``EnterpriseAccount``.

What an account sees is grid.scoping's business (its one enterprise). The first-login
rule is a session flag set at login (``remember_first_login``) and read by
``FirstPasswordMiddleware``, so other pages spend no query on it.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from enterprises.models import EnterpriseAccount, EnterpriseStatus
from grid import roles, scoping

SESSION_KEY = "must_change_password"
# No 0/O, 1/l/I: the password is read aloud or copied from paper.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105
PASSWORD_LENGTH = 12


def one_time_password():
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def _require_manager(by, enterprise):
    scoping.require(by, "account.manage", enterprise)
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise ValidationError(_("该企业已关闭注销，不能新建账号。"))


def _free_username(base):
    User = get_user_model()
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def create_account(enterprise, *, by, username, name="", phone=""):
    """Create a user of role 企业 for ``enterprise``; returns (account, one-time password).

    404 for an enterprise outside ``by``'s scope, 403 for a role that may not manage
    accounts; a username already taken is a ValidationError and nothing is written."""
    _require_manager(by, enterprise)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该用户名已被使用，请换一个。")})
    password = one_time_password()
    user = User.objects.create_user(username=username, password=password, first_name=name)
    user.groups.add(Group.objects.get_or_create(name=roles.GROUP_NAMES[roles.ENTERPRISE])[0])
    account = EnterpriseAccount.objects.create(
        user=user, enterprise=enterprise, phone=phone, must_change_password=True, created_by=by
    )
    return account, password


@transaction.atomic
def create_accounts(enterprises, *, by):
    """One account for each enterprise without an active one (username: its credit code),
    for the bulk form. Returns [(account, one-time password)]; an enterprise outside the
    scope refuses the whole batch (404), nothing written."""
    enterprises = list(enterprises)
    for enterprise in enterprises:
        _require_manager(by, enterprise)
    has_account = set(
        EnterpriseAccount.objects.filter(
            enterprise__in=enterprises, user__is_active=True
        ).values_list("enterprise_id", flat=True)
    )
    created = []
    for enterprise in enterprises:
        if enterprise.pk in has_account:
            continue
        created.append(
            create_account(
                enterprise,
                by=by,
                username=_free_username(enterprise.uscc.lower()),
                name=enterprise.safety_officer,
                phone=enterprise.phone,
            )
        )
    return created


def deactivate(account, *, by):
    """停用: the user can no longer log in; the account and its records stay."""
    scoping.require(by, "account.manage", account.enterprise)
    type(account.user).objects.filter(pk=account.user_id).update(is_active=False)
    account.user.is_active = False


def password_changed(user):
    """The user set a password of their own: the first-login rule no longer applies."""
    EnterpriseAccount.objects.filter(user=user).update(must_change_password=False)


@receiver(user_logged_in, dispatch_uid="enterprises.accounts.remember_first_login")
def remember_first_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if EnterpriseAccount.objects.filter(user=user, must_change_password=True).exists():
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


class FirstPasswordMiddleware:
    """Until an account with a one-time password sets its own, every page sends it to the
    password change page (logging out still works)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            allowed = {reverse("enterprises:password_change"), reverse("logout")}
            if request.path not in allowed:
                return HttpResponseRedirect(reverse("enterprises:password_change"))
        return self.get_response(request)
