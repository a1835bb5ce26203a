from django.urls import path

from hazards import views, views_import, workflow

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("register/", views.register, name="register"),
    path("import/", views_import.import_hazards, name="import"),
    path("my-work/", views.my_work, name="my_work"),
    path("overdue/", views.overdue, name="overdue"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("notice/", views.notice_enterprise, name="notice_enterprise"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumb/", views.photo_thumb, name="photo_thumb"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/order/", views.order_create, name="order_create"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    # One POST url per workflow action declared with a page form, named after the action
    # (hazards:close_out), all served by the one bridge to the workflow.
    *(
        path(f"<int:pk>/{a.url}/", views.hazard_action, {"action": a.name}, name=a.name)
        for a in workflow.page_forms()
    ),
]
