from django.urls import path

from . import views

app_name = "enrollment"
urlpatterns = [
    path("", views.membership_list, name="list"),
    path("baru/<int:worker_id>/", views.membership_create, name="create"),
    path("tarif/", views.tariff_tables, name="tariffs"),
    path("tarif/<slug:code>/pengecualian/", views.programme_exclusions, name="exclusions"),
    path("kalkulator/", views.calculator, name="calculator"),
    path("<int:pk>/", views.membership_detail, name="detail"),
    path("<int:pk>/status/", views.membership_transition, name="transition"),
    path("<int:pk>/bayar/", views.membership_payment, name="payment"),
]
