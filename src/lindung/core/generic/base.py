"""What every generic page shares: a login, the user's area scope and the edit-rights check."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.accounts.scoping import get_scoped_or_404, scoped

READ_ONLY_MESSAGE = _("Peran Anda hanya dapat melihat data.")


class ScopedMixin(LoginRequiredMixin):
    """Records come from `queryset` (or `model`), always narrowed to the user's area."""

    model = None
    queryset: QuerySet | None = None
    pk_url_kwarg = "pk"

    def base_queryset(self) -> QuerySet:
        if self.queryset is not None:
            return self.queryset.all()
        if self.model is not None:
            return self.model._default_manager.all()
        raise ImproperlyConfigured(f"{type(self).__name__} declares neither queryset nor model")

    def get_queryset(self) -> QuerySet:
        return scoped(self.base_queryset(), self.request.user)

    def get_object(self):
        """The record named in the URL; one outside the user's area is a 404, like a missing one."""
        return get_scoped_or_404(
            self.base_queryset(), self.request.user, pk=self.kwargs[self.pk_url_kwarg]
        )


class EditorRequiredMixin:
    """The one place a page checks the role's right to change data (403 otherwise)."""

    read_only_message = READ_ONLY_MESSAGE

    def may_edit(self, user) -> bool:
        return bool(user.can_edit)

    def require_editor(self) -> None:
        if not self.may_edit(self.request.user):
            raise PermissionDenied(self.read_only_message)
