from django.urls import path

from . import views

app_name = "enrollment"
urlpatterns = [
    path("", views.MembershipListView.as_view(), name="list"),
    path("baru/<int:worker_id>/", views.EnrolView.as_view(), name="create"),
    path("tarif/", views.TariffTablesView.as_view(), name="tariffs"),
    path(
        "tarif/<slug:code>/pengecualian/",
        views.ProgrammeExclusionsView.as_view(),
        name="exclusions",
    ),
    path("kalkulator/", views.CalculatorView.as_view(), name="calculator"),
    path("<int:pk>/", views.MembershipDetailView.as_view(), name="detail"),
    path("<int:pk>/status/", views.MembershipTransitionView.as_view(), name="transition"),
    path("<int:pk>/bayar/", views.PaymentView.as_view(), name="payment"),
]
