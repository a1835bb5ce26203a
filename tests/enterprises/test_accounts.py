"""Enterprise accounts: created from the enterprise page or in bulk, one-time password,
a new password at the first login, deactivated and never deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from enterprises import accounts
from enterprises.models import EnterpriseAccount, EnterpriseStatus
from grid import roles
from tests.conftest import login
from tests.factories import UserFactory

User = get_user_model()


def sign_in(client, username, password):
    """Through the login form, as a person does (the login signal sets the first-login rule)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def account_for(enterprise, username, must_change=False):
    user = UserFactory(username=username, role=roles.ENTERPRISE)
    return EnterpriseAccount.objects.create(
        user=user, enterprise=enterprise, must_change_password=must_change
    )


@pytest.fixture
def own(enterprise_a1):
    return account_for(enterprise_a1, "qy_a1").user


@pytest.fixture
def neighbour(enterprise_a2):
    return account_for(enterprise_a2, "qy_a2").user


# --- the accounts page, per role ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supervisor", 200),
        ("admin", 200),
        ("inspector", 403),
        ("county", 403),
        ("other_supervisor", 404),
        ("other_inspector", 404),
    ],
)
def test_the_accounts_page_by_role(client, personas, enterprise_a1, who, status):
    login(client, getattr(personas, who))
    response = client.get(reverse("enterprises:accounts", args=[enterprise_a1.pk]))
    assert response.status_code == status


def test_an_enterprise_user_may_not_manage_accounts_even_its_own(client, own, enterprise_a1):
    login(client, own)
    assert client.get(reverse("enterprises:accounts", args=[enterprise_a1.pk])).status_code == 403


def test_another_enterprises_user_gets_404_for_the_accounts_page(client, neighbour, enterprise_a1):
    login(client, neighbour)
    assert client.get(reverse("enterprises:accounts", args=[enterprise_a1.pk])).status_code == 404


def test_the_enterprise_page_links_to_accounts_for_those_who_manage_them(
    client, personas, enterprise_a1
):
    url = reverse("enterprises:accounts", args=[enterprise_a1.pk])
    login(client, personas.supervisor)
    assert url in client.get(reverse("enterprises:detail", args=[enterprise_a1.pk])).text
    login(client, personas.inspector)
    assert url not in client.get(reverse("enterprises:detail", args=[enterprise_a1.pk])).text


# --- creating one --------------------------------------------------------------------------


def test_a_supervisor_creates_an_account_and_sees_its_password_once(
    client, personas, enterprise_a1
):
    login(client, personas.supervisor)
    url = reverse("enterprises:accounts", args=[enterprise_a1.pk])
    response = client.post(url, {"username": "dongcun", "name": "张安全", "phone": "13912345678"})
    assert response.status_code == 200
    account = EnterpriseAccount.objects.get(user__username="dongcun")
    password = response.context["created"][0][1]
    assert password in response.text
    assert account.enterprise == enterprise_a1 and account.must_change_password
    assert account.created_by == personas.supervisor and account.phone == "13912345678"
    assert roles.role_of(account.user) == roles.ENTERPRISE
    assert account.user.check_password(password)
    assert password not in client.get(url).text  # shown once


def test_a_username_already_taken_is_refused_and_nothing_is_written(
    client, personas, enterprise_a1
):
    login(client, personas.supervisor)
    url = reverse("enterprises:accounts", args=[enterprise_a1.pk])
    response = client.post(url, {"username": "inspector_a1", "name": "张安全"})
    assert "该用户名已被使用" in response.text
    assert not EnterpriseAccount.objects.exists()


def test_a_bad_username_is_refused_in_chinese(client, personas, enterprise_a1):
    login(client, personas.supervisor)
    url = reverse("enterprises:accounts", args=[enterprise_a1.pk])
    response = client.post(url, {"username": "张 三", "name": "张安全"})
    assert "登录名只能用字母" in response.text
    assert not EnterpriseAccount.objects.exists()


def test_a_closed_enterprise_gets_no_new_account(personas, enterprise_a1):
    enterprise_a1.status = EnterpriseStatus.CLOSED
    enterprise_a1.save()
    with pytest.raises(Exception, match="已关闭注销"):
        accounts.create_account(enterprise_a1, by=personas.supervisor, username="x1")
    assert not User.objects.filter(username="x1").exists()


def test_an_inspector_cannot_create_an_account(client, personas, enterprise_a1):
    login(client, personas.inspector)
    url = reverse("enterprises:accounts", args=[enterprise_a1.pk])
    assert client.post(url, {"username": "dongcun", "name": "张"}).status_code == 403
    assert not User.objects.filter(username="dongcun").exists()


# --- in bulk -------------------------------------------------------------------------------


def test_a_supervisor_opens_accounts_for_the_ticked_enterprises(
    client, personas, enterprise_a1, enterprise_a2
):
    account_for(enterprise_a2, "qy_existing")
    login(client, personas.supervisor)
    response = client.post(
        reverse("enterprises:accounts_bulk"), {"ids": [enterprise_a1.pk, enterprise_a2.pk]}
    )
    assert response.status_code == 200
    created = response.context["created"]
    assert [a.enterprise for a, _p in created] == [enterprise_a1]
    assert created[0][0].user.username == enterprise_a1.uscc.lower()
    assert created[0][1] in response.text
    assert EnterpriseAccount.objects.filter(enterprise=enterprise_a2).count() == 1


def test_bulk_with_an_enterprise_outside_the_township_writes_nothing(
    client, personas, enterprise_a1, enterprise_b
):
    login(client, personas.supervisor)
    response = client.post(
        reverse("enterprises:accounts_bulk"), {"ids": [enterprise_a1.pk, enterprise_b.pk]}
    )
    assert response.status_code == 400
    assert "不在您的辖区" in response.text
    assert not EnterpriseAccount.objects.exists()


def test_bulk_with_nothing_ticked_says_so(client, personas, enterprise_a1):
    login(client, personas.supervisor)
    response = client.post(reverse("enterprises:accounts_bulk"), {})
    assert response.status_code == 400 and "请至少选择一家企业" in response.text


@pytest.mark.parametrize("who", ["inspector", "county"])
def test_bulk_is_refused_to_roles_that_do_not_manage_accounts(client, personas, enterprise_a1, who):
    login(client, getattr(personas, who))
    response = client.post(reverse("enterprises:accounts_bulk"), {"ids": [enterprise_a1.pk]})
    assert response.status_code == 403
    assert not EnterpriseAccount.objects.exists()


def test_the_list_offers_bulk_accounts_to_supervisors_only(client, personas, enterprise_a1):
    login(client, personas.supervisor)
    assert reverse("enterprises:accounts_bulk") in client.get(reverse("enterprises:list")).text
    login(client, personas.inspector)
    assert reverse("enterprises:accounts_bulk") not in client.get(reverse("enterprises:list")).text


# --- deactivating --------------------------------------------------------------------------


def test_a_supervisor_deactivates_an_account_and_it_is_kept(client, personas, enterprise_a1):
    account = account_for(enterprise_a1, "qy_a1")
    login(client, personas.supervisor)
    response = client.post(reverse("enterprises:account_deactivate", args=[account.pk]))
    assert response.status_code == 302
    account.refresh_from_db()
    assert not account.user.is_active
    client.logout()
    assert not sign_in(client, "qy_a1", "pass-12345")


@pytest.mark.parametrize(("who", "status"), [("other_supervisor", 404), ("inspector", 403)])
def test_deactivating_is_refused_outside_the_scope_or_role(
    client, personas, enterprise_a1, who, status
):
    account = account_for(enterprise_a1, "qy_a1")
    login(client, getattr(personas, who))
    response = client.post(reverse("enterprises:account_deactivate", args=[account.pk]))
    assert response.status_code == status
    account.user.refresh_from_db()
    assert account.user.is_active


def test_an_enterprise_user_of_another_enterprise_cannot_deactivate(
    client, enterprise_a1, neighbour
):
    account = account_for(enterprise_a1, "qy_a1")
    login(client, neighbour)
    response = client.post(reverse("enterprises:account_deactivate", args=[account.pk]))
    assert response.status_code == 404


# --- the first login -----------------------------------------------------------------------


def test_the_first_login_forces_a_new_password(client, personas, enterprise_a1):
    account, password = accounts.create_account(
        enterprise_a1, by=personas.supervisor, username="dongcun", name="张安全"
    )
    assert sign_in(client, "dongcun", password)
    change = reverse("enterprises:password_change")
    for url in (reverse("home"), reverse("hazards:list"), reverse("enterprises:list")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == change, url
    assert client.get(change).status_code == 200
    response = client.post(
        change,
        {
            "old_password": password,
            "new_password1": "Dongcun-Anquan-2026",
            "new_password2": "Dongcun-Anquan-2026",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert not account.must_change_password
    assert client.get(reverse("hazards:list")).status_code == 200


def test_a_refused_new_password_keeps_the_rule(client, personas, enterprise_a1):
    account, password = accounts.create_account(
        enterprise_a1, by=personas.supervisor, username="dongcun", name="张安全"
    )
    sign_in(client, "dongcun", password)
    change = reverse("enterprises:password_change")
    response = client.post(
        change, {"old_password": password, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.must_change_password
    assert client.get(reverse("hazards:list")).url == change


def test_staff_logins_are_not_sent_to_the_password_page(client, personas):
    assert sign_in(client, "supervisor_a", "pass-12345")
    assert client.get(reverse("hazards:list")).status_code == 200
