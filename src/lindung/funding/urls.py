from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.SourceListView.as_view(), name="source_list"),
    path("ekspor/", views.SourceExportView.as_view(), name="source_export"),
    path("sumber/baru/", views.SourceEditView.as_view(), name="source_create"),
    path("sumber/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
    path("sumber/<int:pk>/ubah/", views.SourceEditView.as_view(), name="source_edit"),
    path("sumber/<int:pk>/alokasi/", views.CommitAddView.as_view(), name="commit_add"),
    path(
        "sumber/<int:pk>/komitmen/ekspor/",
        views.CommitmentExportView.as_view(),
        name="commitment_export",
    ),
    path(
        "komitmen/<int:pk>/batal/", views.CommitmentCancelView.as_view(), name="commitment_cancel"
    ),
    path("komitmen/<int:pk>/dibayar/", views.CommitmentPaidView.as_view(), name="commitment_paid"),
    path("perpanjangan/", views.RenewalDueView.as_view(), name="renewal_due"),
    path("perpanjangan/ekspor/", views.RenewalExportView.as_view(), name="renewal_export"),
    path("perpanjangan/batch/", views.RenewalBatchView.as_view(), name="renewal_batch"),
    path("skenario/", views.ScenarioListView.as_view(), name="scenario_list"),
    path("skenario/bandingkan/", views.ScenarioCompareView.as_view(), name="scenario_compare"),
    path("skenario/<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario_detail"),
    path("skenario/<int:pk>/status/", views.ScenarioStatusView.as_view(), name="scenario_status"),
    path("skenario/<int:pk>/terapkan/", views.ScenarioApplyView.as_view(), name="scenario_apply"),
    path("skenario/<int:pk>/ekspor/", views.ScenarioExportView.as_view(), name="scenario_export"),
]
