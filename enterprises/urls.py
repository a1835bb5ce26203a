from django.urls import path

from enterprises import views, views_accounts, views_disclosure, views_selfreports

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/disclosure/", views_disclosure.disclosure, name="disclosure"),
    path("<int:pk>/accounts/", views_accounts.enterprise_accounts, name="accounts"),
    path("accounts/new/", views_accounts.accounts_bulk, name="accounts_bulk"),
    path(
        "accounts/<int:pk>/deactivate/",
        views_accounts.account_deactivate,
        name="account_deactivate",
    ),
    path("password/", views_accounts.password_change, name="password_change"),
    # 自查自报 (enterprises/views_selfreports.py)
    path("selfreports/", views_selfreports.selfreport_list, name="selfreports"),
    # A period is text ("2026-10", "2026-Q3"), not an id: the pages are the account's own.
    path(
        "selfreports/month/<str:period>/",
        views_selfreports.selfreport_month,
        name="selfreport_month",
    ),
    path(
        "selfreports/quarter/<str:period>/",
        views_selfreports.selfreport_quarter,
        name="selfreport_quarter",
    ),
    path(
        "selfreports/quarterly/<int:pk>/print/",
        views_selfreports.selfreport_quarter_print,
        name="selfreport_quarter_print",
    ),
    path("selfreports/rates/", views_selfreports.selfreport_rates, name="selfreport_rates"),
    path("selfreports/remind/", views_selfreports.selfreport_remind, name="selfreport_remind"),
]
