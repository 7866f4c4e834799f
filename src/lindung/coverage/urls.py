from django.urls import path

from . import settings_page, views

app_name = "coverage"
urlpatterns = [
    path("", views.index, name="index"),
    path("peringkat/", views.league_index, name="league_index"),
    path("laporan-bpjs/", views.bpjs_reports, name="bpjs_reports"),
    path("target/", views.targets, name="targets"),
    path("regulasi-inovasi/", views.policies, name="policies"),
    path("pengaturan/", settings_page.settings_page, name="settings"),
    path("laporan/", views.report_jobs, name="report_jobs"),
    path("laporan/<int:pk>/", views.report_job, name="report_job"),
    path("laporan/<int:pk>/kemajuan/", views.report_job_progress, name="report_job_progress"),
    path("laporan/<int:pk>/unduh/", views.report_job_download, name="report_job_download"),
    path("<str:code>/", views.area_dashboard, name="dashboard"),
    path("<str:code>/peserta/", views.people_list, name="people"),
    path("<str:code>/ekspor/<str:table>.<str:fmt>", views.area_export, name="export"),
    path("<str:code>/segarkan/", views.refresh, name="refresh"),
    path("<str:code>/peringkat/", views.league, name="league"),
    path("<str:code>/peringkat/sertifikat.pdf", views.certificate, name="certificate"),
    path("<str:code>/laporan/bulanan.<str:fmt>", views.monthly_report, name="monthly_report"),
    path("<str:code>/laporan/paritrana.<str:fmt>", views.paritrana_report, name="paritrana_report"),
]
