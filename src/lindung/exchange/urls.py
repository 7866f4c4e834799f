from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.ExchangeIndexView.as_view(), name="index"),
    path("bpjs/ekspor/", views.BpjsExportView.as_view(), name="bpjs_export"),
    path("bpjs/batch/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("bpjs/impor/", views.BpjsImportView.as_view(), name="bpjs_import"),
    path("opensid/", views.OpensidView.as_view(), name="opensid"),
    path("opensid/status.xlsx", views.OpensidStatusExportView.as_view(), name="opensid_status"),
    path("kobo/", views.KoboView.as_view(), name="kobo"),
    path("kobo/xlsform.xlsx", views.KoboXlsformView.as_view(), name="kobo_xlsform"),
    path("impor/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("impor/<int:pk>/terapkan/", views.ImportApplyView.as_view(), name="import_apply"),
    path("impor/<int:pk>/laporan.csv", views.ImportReportView.as_view(), name="import_report"),
    path("profil/", views.ProfileListView.as_view(), name="profiles"),
    path("profil/baru/", views.ProfileEditView.as_view(), name="profile_create"),
    path("profil/<int:pk>/", views.ProfileEditView.as_view(), name="profile_edit"),
]
