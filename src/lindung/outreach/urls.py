from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.index, name="index"),
    path("kegiatan/baru/", views.activity_create, name="activity_create"),
    path("kegiatan/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("kegiatan/<int:pk>/ubah/", views.activity_edit, name="activity_edit"),
    path("kegiatan/<int:pk>/foto/", views.activity_photo, name="activity_photo"),
    path(
        "kegiatan/<int:pk>/lepas/<int:worker_id>/",
        views.activity_unattribute,
        name="activity_unattribute",
    ),
    path("tim/", views.team_list, name="teams"),
    path("tim/baru/", views.team_create, name="team_create"),
    path("tim/<int:pk>/", views.team_detail, name="team_detail"),
    path("tim/<int:pk>/ubah/", views.team_edit, name="team_edit"),
    path("tim/<int:team_pk>/anggota/baru/", views.member_create, name="member_create"),
    path("anggota/<int:pk>/ubah/", views.member_edit, name="member_edit"),
    path("kalender/", views.activity_calendar, name="calendar"),
    path("desa-tanpa-kegiatan/", views.flags, name="flags"),
    path("laporan/", views.report, name="report"),
    path("laporan/ekspor.<str:fmt>", views.report_export, name="report_export"),
    path("target/", views.target_list, name="targets"),
    path("target/baru/", views.target_edit, name="target_create"),
    path("target/<int:pk>/ubah/", views.target_edit, name="target_edit"),
]
