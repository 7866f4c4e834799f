from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("akses/", views.AccessLogView.as_view(), name="access_log"),
    path(
        "<str:app_label>/<str:model_name>/<int:pk>/",
        views.RecordHistoryView.as_view(),
        name="history",
    ),
]
