"""Password sign-in against the user table, loading the user's area with the user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AreaModelBackend(ModelBackend):
    """Django's ModelBackend whose per-request user comes with their area: every page's header
    shows it, which otherwise costs a query on each request."""

    def get_user(self, user_id):
        user_model = get_user_model()
        user = user_model._default_manager.select_related("area").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
