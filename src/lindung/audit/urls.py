from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("akses/", views.access_log, name="access_log"),
    path("<str:app_label>/<str:model_name>/<int:pk>/", views.record_history, name="history"),
]
