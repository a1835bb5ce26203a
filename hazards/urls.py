from django.urls import path

from hazards import views, views_import

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
    # One POST url per workflow action; names equal the workflow function names.
    path("<int:pk>/set-deadline/", views.set_deadline, name="set_deadline"),
    path("<int:pk>/report-fixed/", views.report_fixed, name="report_fixed"),
    path("<int:pk>/request-extension/", views.request_extension, name="request_extension"),
    path("<int:pk>/approve-extension/", views.approve_extension, name="approve_extension"),
    path("<int:pk>/decline-extension/", views.decline_extension, name="decline_extension"),
    path("<int:pk>/extend/", views.extend_deadline, name="extend_deadline"),
    path("<int:pk>/reject-fix/", views.reject_fix, name="reject_fix"),
    path("<int:pk>/close-out/", views.close_out, name="close_out"),
    path("<int:pk>/refer/", views.refer_to_county, name="refer_to_county"),
    path("<int:pk>/void/", views.void, name="void"),
    path("<int:pk>/amend/", views.amend, name="amend"),
]
