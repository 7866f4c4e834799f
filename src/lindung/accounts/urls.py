from django.urls import path

from . import views, views_security

app_name = "accounts"
urlpatterns = [
    path("token-api/", views.api_tokens, name="api_tokens"),
    path("kata-sandi/", views_security.PasswordChangeView.as_view(), name="password_change"),
    path("dua-langkah/", views_security.two_factor, name="two_factor"),
    path("dua-langkah/aktifkan/", views_security.two_factor_setup, name="two_factor_setup"),
    path("dua-langkah/verifikasi/", views_security.two_factor_verify, name="two_factor_verify"),
]
