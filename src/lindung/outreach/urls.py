from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="index"),
    path("kegiatan/baru/", views.ActivityEditView.as_view(), name="activity_create"),
    path("kegiatan/<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("kegiatan/<int:pk>/ubah/", views.ActivityEditView.as_view(), name="activity_edit"),
    path("kegiatan/<int:pk>/foto/", views.ActivityPhotoView.as_view(), name="activity_photo"),
    path(
        "kegiatan/<int:pk>/lepas/<int:worker_id>/",
        views.ActivityUnattributeView.as_view(),
        name="activity_unattribute",
    ),
    path("tim/", views.TeamListView.as_view(), name="teams"),
    path("tim/baru/", views.TeamEditView.as_view(), name="team_create"),
    path("tim/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("tim/<int:pk>/ubah/", views.TeamEditView.as_view(), name="team_edit"),
    path("tim/<int:team_pk>/anggota/baru/", views.MemberEditView.as_view(), name="member_create"),
    path("anggota/<int:pk>/ubah/", views.MemberEditView.as_view(), name="member_edit"),
    path("kalender/", views.CalendarView.as_view(), name="calendar"),
    path("desa-tanpa-kegiatan/", views.FlagsView.as_view(), name="flags"),
    path("laporan/", views.ReportView.as_view(), name="report"),
    path("laporan/ekspor.<str:fmt>", views.ReportExportView.as_view(), name="report_export"),
    path("target/", views.TargetListView.as_view(), name="targets"),
    path("target/baru/", views.TargetEditView.as_view(), name="target_create"),
    path("target/<int:pk>/ubah/", views.TargetEditView.as_view(), name="target_edit"),
]
