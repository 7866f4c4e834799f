from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("penyebut/", views.DenominatorListView.as_view(), name="denominators"),
    path("<str:code>/", views.AreaDetailView.as_view(), name="detail"),
]
