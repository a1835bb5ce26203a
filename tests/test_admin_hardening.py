"""The admin holds: only administrators enter it, a superuser is changed only by a
superuser, and nothing with legal weight is deleted there (issue 19)."""

from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from grid import roles
from inspections.models import ChecklistItem
from jobs import services as job_services
from jobs.models import Job
from tests.conftest import login
from tests.factories import UserFactory, make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", "old-secret-1")


# --- A superuser is changed only by a superuser -------------------------------------------------


def test_an_administrator_sees_a_superuser_read_only(client, personas, root):
    login(client, personas.admin)
    response = client.get(reverse("admin:auth_user_change", args=[root.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_an_administrator_cannot_change_a_superusers_password(client, personas, root):
    login(client, personas.admin)
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "taken-over-9", "password2": "taken-over-9"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("old-secret-1")


def test_an_administrator_cannot_post_changes_to_a_superuser(client, personas, root):
    login(client, personas.admin)
    response = client.post(
        reverse("admin:auth_user_change", args=[root.pk]),
        {"username": "root", "is_active": "", "is_staff": "", "groups": []},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.is_staff and root.is_superuser


def test_an_administrator_cannot_delete_a_superuser(client, personas, root):
    login(client, personas.admin)
    response = client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=root.pk).exists()


def test_an_administrator_still_changes_a_users_password_and_cannot_grant_superuser(
    client, personas
):
    login(client, personas.admin)
    target = personas.inspector
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "new-secret-77", "password2": "new-secret-77", "usable_password": "true"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("new-secret-77")
    page = client.get(reverse("admin:auth_user_change", args=[target.pk]))
    assert "is_superuser" not in page.context["adminform"].form.fields


def test_a_superuser_changes_another_superusers_password(client, root):
    other = User.objects.create_superuser("root2", "r2@example.com", "old-secret-2")
    login(client, root)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[other.pk]),
        {"password1": "new-secret-88", "password2": "new-secret-88", "usable_password": "true"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password("new-secret-88")


# --- The admin is for administrators only --------------------------------------------------------


def _changelists():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def test_a_staff_township_supervisor_is_kept_out_of_every_admin_page(client, personas):
    personas.supervisor.is_staff = True
    personas.supervisor.save(update_fields=["is_staff"])
    login(client, personas.supervisor)
    urls = [reverse("admin:index"), *_changelists()]
    assert len(urls) > 10
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.parametrize("role", [roles.COUNTY, roles.INSPECTOR, roles.ENTERPRISE])
def test_no_other_staff_role_enters_the_admin(client, grid, role):
    user = UserFactory(username=f"staff_{role}", role=role, is_staff=True, cells=[grid.county])
    login(client, user)
    assert client.get(reverse("admin:hazards_hazard_changelist")).status_code == 302


def test_an_administrator_opens_every_admin_changelist_its_role_may_view(client, personas):
    login(client, personas.admin)
    for model in admin.site._registry:
        meta = model._meta
        may_view = personas.admin.has_perm(f"{meta.app_label}.view_{meta.model_name}")
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == (200 if may_view else 403), url


def test_a_superuser_opens_every_admin_changelist(client, root):
    login(client, root)
    for url in _changelists():
        assert client.get(url).status_code == 200, url


# --- Nothing with legal weight is deleted in the admin --------------------------------------------


LEGAL = [
    "hazards.hazard",
    "hazards.hazardevent",
    "hazards.hazardphoto",
    "hazards.supervisionorder",
    "inspections.inspection",
    "inspections.enforcementaction",
    "inspections.checklisttemplate",
    "inspections.checklistcategory",
    "inspections.checklistitem",
    "enterprises.enterprise",
]


@pytest.mark.parametrize("label", LEGAL)
def test_even_a_superuser_cannot_delete_records_with_legal_weight(rf, root, label):
    model_admin = next(
        ma for model, ma in admin.site._registry.items() if model._meta.label_lower == label
    )
    request = rf.get("/admin/")
    request.user = root
    assert model_admin.has_delete_permission(request) is False


def test_a_checklist_item_is_deactivated_not_deleted_and_its_hazards_keep_the_link(
    client, personas, enterprise_a1
):
    item = ChecklistItem.objects.first()
    hazard = make_hazard(enterprise_a1, by=personas.inspector, checklist_item=item)
    login(client, personas.admin)
    response = client.post(
        reverse("admin:inspections_checklistitem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    hazard.refresh_from_db()
    assert hazard.checklist_item_id == item.pk


def test_a_job_deleted_in_the_admin_takes_its_files_with_it(client, personas, root, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = job_services.start(
        personas.admin,
        "import_enterprises",
        {},
        upload=SimpleUploadedFile("名录.xlsx", b"PK admin-deleted"),
    )
    path = Path(settings.MEDIA_ROOT, job.upload.name)
    assert path.exists()
    login(client, root)
    response = client.post(reverse("admin:jobs_job_delete", args=[job.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not path.exists()


def test_jobs_deleted_in_bulk_in_the_admin_take_their_files_with_them(
    client, personas, root, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    jobs = [
        job_services.start(
            personas.admin, "import_enterprises", {}, upload=SimpleUploadedFile("a.xlsx", b"PK")
        )
        for _ in range(2)
    ]
    paths = [Path(settings.MEDIA_ROOT, job.upload.name) for job in jobs]
    login(client, root)
    response = client.post(
        reverse("admin:jobs_job_changelist"),
        {"action": "delete_selected", "_selected_action": [j.pk for j in jobs], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Job.objects.filter(pk__in=[j.pk for j in jobs]).exists()
    assert not any(p.exists() for p in paths)
