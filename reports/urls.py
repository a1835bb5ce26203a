from django.urls import path

from reports import views, views_periods

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("export/summary/", views.export_summary, name="export_summary"),
    path("export/ledger/", views.export_ledger, name="export_ledger"),
    path("export/overdue/", views.export_overdue, name="export_overdue"),
    path("export/daily/", views.export_daily, name="export_daily"),
    path("export/inspections/", views.export_inspections, name="export_inspections"),
    path("export/enforcement/", views.export_enforcement, name="export_enforcement"),
    path("export/orders/", views.export_orders, name="export_orders"),
    # Closed periods (封账上报) and the 16号令 statistics form: reports/views_periods.py.
    path("periods/", views_periods.period_list, name="periods"),
    path("periods/close/", views_periods.period_close, name="period_close"),
    path("periods/<slug:period>/", views_periods.period_detail, name="period_detail"),
    path("periods/<slug:period>/versions/", views_periods.period_versions, name="period_versions"),
    path("periods/<slug:period>/export/", views_periods.period_export, name="period_export"),
    path("periods/<slug:period>/reopen/", views_periods.period_reopen, name="period_reopen"),
    path("statistics/", views_periods.statistics, name="statistics"),
    path("statistics/analysis/", views_periods.statistics_analysis, name="statistics_analysis"),
]
