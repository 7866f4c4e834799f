"""A button on a record's page that changes it (verify, record a death, move a status): POST
only, the record scoped (404 outside the area), the edit right checked (403), then `act`."""

from __future__ import annotations

from django.shortcuts import redirect
from django.views import View

from .base import EditorRequiredMixin, ScopedMixin


class ScopedActionView(EditorRequiredMixin, ScopedMixin, View):
    http_method_names = ["post"]

    def act(self, request, record) -> str | None:
        """Do the change through a service and add messages; return where to go (None: the
        record's own page)."""
        raise NotImplementedError

    def get_success_url(self, record) -> str:
        return record.get_absolute_url()

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        self.require_editor()
        return redirect(self.act(request, record) or self.get_success_url(record))
