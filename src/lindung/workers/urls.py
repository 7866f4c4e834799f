from django.urls import path

from . import views

app_name = "workers"
urlpatterns = [
    path("", views.WorkerListView.as_view(), name="list"),
    path("tambah/", views.WorkerEditView.as_view(), name="create"),
    path("ekspor.csv", views.WorkerExportView.as_view(), {"fmt": "csv"}, name="export_csv"),
    path("ekspor.xlsx", views.WorkerExportView.as_view(), {"fmt": "xlsx"}, name="export_xlsx"),
    path("aturan-kelayakan/", views.EligibilityRulesView.as_view(), name="rules"),
    path("<int:pk>/", views.WorkerDetailView.as_view(), name="detail"),
    path("<int:pk>/ubah/", views.WorkerEditView.as_view(), name="edit"),
    path("<int:pk>/verifikasi/", views.WorkerVerifyView.as_view(), name="verify"),
    path("<int:pk>/meninggal/", views.WorkerDeceasedView.as_view(), name="deceased"),
]
