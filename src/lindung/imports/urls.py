from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("templat.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("<int:pk>/", views.JobDetailView.as_view(), name="detail"),
    path("<int:pk>/kemajuan/", views.JobProgressView.as_view(), name="progress"),
    path("<int:pk>/pemetaan/", views.MappingView.as_view(), name="mapping"),
    path("<int:pk>/simpan/", views.CommitView.as_view(), name="commit"),
    path("<int:pk>/laporan/", views.ReportView.as_view(), name="report"),
    path("duplikat/", views.DuplicateListView.as_view(), name="duplicates"),
    path("duplikat/<int:pk>/", views.DuplicateDetailView.as_view(), name="duplicate_detail"),
]
