from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("templat.xlsx", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/kemajuan/", views.progress, name="progress"),
    path("<int:pk>/pemetaan/", views.mapping, name="mapping"),
    path("<int:pk>/simpan/", views.commit, name="commit"),
    path("<int:pk>/laporan/", views.report, name="report"),
    path("duplikat/", views.duplicates, name="duplicates"),
    path("duplikat/<int:pk>/", views.duplicate_detail, name="duplicate_detail"),
]
