from django.urls import path

from .settings_page import SettingsView
from .views import dashboard, figures, league, people, reports

app_name = "coverage"
urlpatterns = [
    path("", dashboard.CoverageHomeView.as_view(), name="index"),
    path("peringkat/", league.LeagueHomeView.as_view(), name="league_index"),
    path("laporan-bpjs/", figures.BpjsReportListView.as_view(), name="bpjs_reports"),
    path("target/", figures.TargetsView.as_view(), name="targets"),
    path("regulasi-inovasi/", figures.PoliciesView.as_view(), name="policies"),
    path("pengaturan/", SettingsView.as_view(), name="settings"),
    path("laporan/", reports.ReportJobListView.as_view(), name="report_jobs"),
    path("laporan/<int:pk>/", reports.ReportJobView.as_view(), name="report_job"),
    path(
        "laporan/<int:pk>/kemajuan/",
        reports.ReportJobProgressView.as_view(),
        name="report_job_progress",
    ),
    path(
        "laporan/<int:pk>/unduh/",
        reports.ReportJobDownloadView.as_view(),
        name="report_job_download",
    ),
    path("<str:code>/", dashboard.AreaDashboardView.as_view(), name="dashboard"),
    path("<str:code>/peserta/", people.PeopleListView.as_view(), name="people"),
    path(
        "<str:code>/ekspor/<str:table>.<str:fmt>",
        dashboard.AreaExportView.as_view(),
        name="export",
    ),
    path("<str:code>/segarkan/", dashboard.RefreshView.as_view(), name="refresh"),
    path("<str:code>/peringkat/", league.LeagueView.as_view(), name="league"),
    path(
        "<str:code>/peringkat/sertifikat.pdf",
        league.CertificateView.as_view(),
        name="certificate",
    ),
    path(
        "<str:code>/laporan/bulanan.<str:fmt>",
        reports.MonthlyReportView.as_view(),
        name="monthly_report",
    ),
    path(
        "<str:code>/laporan/paritrana.<str:fmt>",
        reports.ParitranaReportView.as_view(),
        name="paritrana_report",
    ),
]
