"""Scoped record pages: a record outside the user's area is a 404; next steps come from
`core.actions` providers registered for `action_kind`."""

from __future__ import annotations

from django.views.generic import TemplateView

from lindung.core.actions import actions_for

from .base import ScopedMixin


class ScopedDetailView(ScopedMixin, TemplateView):
    action_kind = ""  # e.g. "worker": the kind that action providers register for
    context_object_name = "object"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = context[self.context_object_name] = self.object
        if self.action_kind:
            context["actions"] = actions_for(self.action_kind, self.object, self.request.user)
        return context
