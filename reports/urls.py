from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("export/summary/", views.export_summary, name="export_summary"),
    path("export/ledger/", views.export_ledger, name="export_ledger"),
    path("export/overdue/", views.export_overdue, name="export_overdue"),
    path("export/daily/", views.export_daily, name="export_daily"),
]
