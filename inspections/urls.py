from django.urls import path

from inspections import sync, views, views_criteria, views_groups, views_import, views_self

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("start/", views.start, name="start"),
    path("start/pick/", views.pick, name="pick"),
    path("self/", views_self.self_inspections, name="self"),
    path("outing/", views.outing_start, name="outing"),
    path("groups/", views_groups.group_list, name="group_list"),
    path("groups/new/", views_groups.group_create, name="group_create"),
    path("groups/<int:pk>/", views_groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views_groups.group_edit, name="group_edit"),
    path("field/", views.field, name="field"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sync/bootstrap/", sync.bootstrap, name="sync_bootstrap"),
    path("sync/<slug:kind>/", sync.sync, name="sync"),
    path("coverage/", views.coverage, name="coverage"),
    path("daily/", views.daily, name="daily"),
    path(
        "checklists/generate/",
        views_criteria.generate_checklists,
        name="generate_criteria_checklists",
    ),
    path("import/", views_import.import_inspections, name="import"),
    path("enforcement/import/", views_import.import_enforcement, name="enforcement_import"),
    path("enforcement/", views.enforcement_list, name="enforcement_list"),
    path("enforcement/new/", views.enforcement_create, name="enforcement_create"),
    path("enforcement/<int:pk>/", views.enforcement_detail, name="enforcement_detail"),
    path(
        "enterprise/<int:enterprise_pk>/",
        views.enterprise_section,
        name="enterprise_section",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/print/", views.print_form, name="print"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/pass-remaining/", views.pass_remaining, name="pass_remaining"),
    path("<int:pk>/pass-remaining/undo/", views.undo_pass_remaining, name="undo_pass_remaining"),
    path("<int:pk>/items/<int:item_pk>/", views.item_update, name="item_update"),
    path("<int:pk>/items/<int:item_pk>/photo/", views.item_photo, name="item_photo"),
    path("<int:pk>/items/<int:item_pk>/hazard/", views.create_hazard, name="create_hazard"),
    path("<int:pk>/recheck/<int:hazard_pk>/close/", views.recheck_close, name="recheck_close"),
    path("<int:pk>/recheck/<int:hazard_pk>/reject/", views.recheck_reject, name="recheck_reject"),
]
