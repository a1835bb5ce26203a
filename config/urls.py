from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import preferences
from core import views as core_views
from grid import views as grid_views

admin.site.site_header = "隐患排查治理台账 · 系统管理"
admin.site.site_title = "隐患排查治理台账"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", grid_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("text-size/", preferences.text_size, name="text_size"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("enterprises/", include("enterprises.urls")),
    path("hazards/", include("hazards.urls")),
    path("inspections/", include("inspections.urls")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("criteria/", include("criteria.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
