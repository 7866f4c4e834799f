from django.urls import path

from . import views

app_name = "claims"
urlpatterns = [
    path("", views.ClaimListView.as_view(), name="list"),
    path("baru/", views.ClaimCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ClaimDetailView.as_view(), name="detail"),
    path("<int:pk>/status/", views.ClaimTransitionView.as_view(), name="transition"),
    path("<int:pk>/berkas/", views.ClaimDocumentsView.as_view(), name="documents"),
    path("<int:pk>/penerima/", views.ClaimRecipientView.as_view(), name="recipient"),
    path("<int:pk>/bayar/", views.ClaimPaymentView.as_view(), name="payment"),
    path("<int:pk>/ahli-waris/baru/", views.HeirEditView.as_view(), name="heir_add"),
    path("<int:pk>/ahli-waris/<int:heir_pk>/", views.HeirEditView.as_view(), name="heir_edit"),
    path(
        "<int:pk>/ahli-waris/<int:heir_pk>/hapus/",
        views.HeirDeleteView.as_view(),
        name="heir_delete",
    ),
    path("meninggal-tanpa-klaim/", views.DeceasedListView.as_view(), name="deceased"),
    path("lapor-kematian/", views.DeathReportView.as_view(), name="death_report"),
    path("impor-kematian/", views.DeathImportView.as_view(), name="death_import"),
    path("rekap/", views.TotalsView.as_view(), name="totals"),
    path("aturan/", views.RulesView.as_view(), name="rules"),
]
