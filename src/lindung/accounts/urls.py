from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [path("token-api/", views.api_tokens, name="api_tokens")]
