"""Deleting a record: POST only, scoped (404 outside the area), edit right checked (403),
the deletion itself done by `delete(record)` in the page (a service call)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views import View

from .base import EditorRequiredMixin, ScopedMixin


class ScopedDeleteView(EditorRequiredMixin, ScopedMixin, View):
    http_method_names = ["post"]
    success_message = ""

    def delete(self, record) -> None:
        raise NotImplementedError(f"{type(self).__name__}.delete must call a service")

    def get_success_url(self, record) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        self.require_editor()
        self.delete(record)
        if self.success_message:
            messages.success(request, self.success_message)
        return redirect(self.get_success_url(record))
