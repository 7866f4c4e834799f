from django.urls import path

from . import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("baru/", views.claim_create, name="create"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/status/", views.claim_transition, name="transition"),
    path("<int:pk>/berkas/", views.claim_documents, name="documents"),
    path("<int:pk>/penerima/", views.claim_recipient, name="recipient"),
    path("<int:pk>/bayar/", views.claim_payment, name="payment"),
    path("<int:pk>/ahli-waris/baru/", views.heir_add, name="heir_add"),
    path("<int:pk>/ahli-waris/<int:heir_pk>/", views.heir_edit, name="heir_edit"),
    path("<int:pk>/ahli-waris/<int:heir_pk>/hapus/", views.heir_delete, name="heir_delete"),
    path("meninggal-tanpa-klaim/", views.deceased_list, name="deceased"),
    path("lapor-kematian/", views.death_report, name="death_report"),
    path("impor-kematian/", views.death_import, name="death_import"),
    path("rekap/", views.totals, name="totals"),
    path("aturan/", views.rules, name="rules"),
]
