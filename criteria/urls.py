from django.urls import path

from criteria import views

app_name = "criteria"

urlpatterns = [
    path("", views.criteria_list, name="list"),
    path("search/", views.search, name="search"),
    path("load/", views.load_file, name="load"),
    path("load/template/", views.template_file, name="template"),
]
