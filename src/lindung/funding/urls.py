from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.source_list, name="source_list"),
    path("ekspor/", views.source_export, name="source_export"),
    path("sumber/baru/", views.source_form, name="source_create"),
    path("sumber/<int:pk>/", views.source_detail, name="source_detail"),
    path("sumber/<int:pk>/ubah/", views.source_form, name="source_edit"),
    path("sumber/<int:pk>/alokasi/", views.commit_add, name="commit_add"),
    path("sumber/<int:pk>/komitmen/ekspor/", views.commitment_export, name="commitment_export"),
    path("komitmen/<int:pk>/batal/", views.commitment_cancel, name="commitment_cancel"),
    path("komitmen/<int:pk>/dibayar/", views.commitment_paid, name="commitment_paid"),
    path("perpanjangan/", views.renewal_due, name="renewal_due"),
    path("perpanjangan/ekspor/", views.renewal_export, name="renewal_export"),
    path("perpanjangan/batch/", views.renewal_batch, name="renewal_batch"),
    path("skenario/", views.scenario_list, name="scenario_list"),
    path("skenario/bandingkan/", views.scenario_compare, name="scenario_compare"),
    path("skenario/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("skenario/<int:pk>/status/", views.scenario_status, name="scenario_status"),
    path("skenario/<int:pk>/terapkan/", views.scenario_apply, name="scenario_apply"),
    path("skenario/<int:pk>/ekspor/", views.scenario_export, name="scenario_export"),
]
