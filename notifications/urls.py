from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.center, name="center"),
    path("read/", views.read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
    path("webhooks/", views.webhooks, name="webhooks"),
]
