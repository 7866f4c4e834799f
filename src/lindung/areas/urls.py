from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("penyebut/", views.denominators, name="denominators"),
    path("<str:code>/", views.area_detail, name="detail"),
]
