from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.center, name="center"),
    path("read/", views.read, name="read"),
    path("<int:pk>/open/", views.open_one, name="open"),
    path("preferences/", views.preferences, name="preferences"),
    path("webhooks/", views.webhooks, name="webhooks"),
]
