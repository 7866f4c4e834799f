from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("bpjs/ekspor/", views.bpjs_export_view, name="bpjs_export"),
    path("bpjs/batch/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("bpjs/impor/", views.bpjs_import_view, name="bpjs_import"),
    path("opensid/", views.opensid_view, name="opensid"),
    path("opensid/status.xlsx", views.opensid_status_export, name="opensid_status"),
    path("kobo/", views.kobo_view, name="kobo"),
    path("kobo/xlsform.xlsx", views.kobo_xlsform, name="kobo_xlsform"),
    path("impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("impor/<int:pk>/terapkan/", views.import_apply, name="import_apply"),
    path("impor/<int:pk>/laporan.csv", views.import_report, name="import_report"),
    path("profil/", views.profile_list, name="profiles"),
    path("profil/baru/", views.profile_edit, name="profile_create"),
    path("profil/<int:pk>/", views.profile_edit, name="profile_edit"),
]
