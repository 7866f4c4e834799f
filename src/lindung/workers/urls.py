from django.urls import path

from . import views

app_name = "workers"
urlpatterns = [
    path("", views.worker_list, name="list"),
    path("tambah/", views.worker_create, name="create"),
    path("ekspor.csv", views.worker_export, {"fmt": "csv"}, name="export_csv"),
    path("ekspor.xlsx", views.worker_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("aturan-kelayakan/", views.eligibility_rules, name="rules"),
    path("<int:pk>/", views.worker_detail, name="detail"),
    path("<int:pk>/ubah/", views.worker_edit, name="edit"),
    path("<int:pk>/verifikasi/", views.worker_verify, name="verify"),
    path("<int:pk>/meninggal/", views.worker_deceased, name="deceased"),
]
