"""The admin pieces core offers every app, and the admin's front page."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.admin import ReadOnlyAdmin
from core.models import NumberSequence
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_admin_index_lists_the_master_data(client, personas):
    response = login(client, personas.admin).get(reverse("admin:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "网格" in body and "企业" in body and "用户" in body


def test_a_read_only_admin_lets_nobody_add_change_or_delete(personas):
    request = RequestFactory().get("/")
    request.user = personas.admin
    model_admin = ReadOnlyAdmin(NumberSequence, admin.site)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
