from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from lindung.accounts.login import LoginView, admin_login
from lindung.api.api import api
from lindung.site import views as site_views
from lindung.site import views_personal

# The admin site signs in through the same page: one address limit, one second step.
admin.site.login = admin_login

urlpatterns = [
    path("", site_views.HomeView.as_view(), name="home"),
    path("daftar-kerja/", site_views.WorklistsView.as_view(), name="worklists"),
    path("data-pribadi/", views_personal.PersonSearchView.as_view(), name="person_search"),
    path(
        "data-pribadi/<int:worker_id>/ekspor/",
        views_personal.PersonExportView.as_view(),
        name="person_export",
    ),
    path(
        "data-pribadi/<int:worker_id>/anonimkan/",
        views_personal.PersonAnonymiseView.as_view(),
        name="person_anonymise",
    ),
    # Browsers ask for /favicon.ico on every site; answer with our own icon (no 404, no CDN).
    path("favicon.ico", RedirectView.as_view(url=static("lindung/favicon.svg"), permanent=True)),
    path("masuk/", LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("wilayah/", include("lindung.areas.urls")),
    path("audit/", include("lindung.audit.urls")),
    path("pekerja/", include("lindung.workers.urls")),
    path("kepesertaan/", include("lindung.enrollment.urls")),
    path("impor/", include("lindung.imports.urls")),
    path("pendanaan/", include("lindung.funding.urls")),
    path("sosialisasi/", include("lindung.outreach.urls")),
    path("klaim/", include("lindung.claims.urls")),
    path("cakupan/", include("lindung.coverage.urls")),
    path("pertukaran/", include("lindung.exchange.urls")),
    path("akun/", include("lindung.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
