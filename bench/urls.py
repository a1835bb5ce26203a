"""The site's URLs plus the bench's bare page (bench.settings only, never deployed)."""

from django.urls import path

from bench import views
from config.urls import urlpatterns as site

urlpatterns = [path("bench/bare/", views.bare, name="bench_bare"), *site]
