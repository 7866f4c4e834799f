"""Create and edit pages: the record is scoped (404 outside the area) before the role's edit
right is checked (403), then the form's data goes to a service, never straight to the model."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from .base import EditorRequiredMixin, ScopedMixin


class ScopedEditView(EditorRequiredMixin, ScopedMixin, TemplateView):
    """Declare `form_class`, `template_name` and `save(form)` (which calls a service and returns
    the saved record); without a `pk` in the URL the page creates a record.

    Exceptions in `service_errors` become form errors (`exc.errors` as {field: [messages]} or
    the exception's text); those in `stale_errors` (someone saved the record meanwhile) go to
    `on_stale`, which shows the message and keeps the operator's input.
    """

    form_class: type[forms.BaseForm] | None = None
    service_errors: tuple[type[Exception], ...] = ()
    stale_errors: tuple[type[Exception], ...] = ()
    success_message = ""

    def get_object(self):
        return super().get_object() if self.pk_url_kwarg in self.kwargs else None

    def prepare(self) -> None:
        self.object = self.get_object()
        self.stale = None
        self.require_editor()

    def get_form_kwargs(self) -> dict:
        if issubclass(self.form_class, forms.BaseModelForm):
            return {"instance": self.object}
        return {}

    def get_form(self, data=None, files=None) -> forms.BaseForm:
        return self.form_class(data, files, **self.get_form_kwargs())

    def save(self, form):
        raise NotImplementedError(f"{type(self).__name__}.save must call a service")

    def get_success_url(self, saved) -> str:
        return saved.get_absolute_url()

    def get_success_message(self, saved) -> str:
        return self.success_message

    def on_service_error(self, form, exc: Exception) -> None:
        errors = getattr(exc, "errors", None)
        if not isinstance(errors, dict):
            errors = {None: list(getattr(exc, "messages", None) or [str(exc)])}
        for name, texts in errors.items():
            for text in texts:
                form.add_error(name if name in form.fields else None, text)

    def on_stale(self, form, exc: Exception) -> None:
        self.stale = exc
        form.add_error(None, str(exc))

    def blocked(self):
        """A response instead of the form when the record cannot take this change now (e.g. a
        status that takes no payment); None to go on."""
        return None

    def get(self, request, *args, **kwargs):
        self.prepare()
        if (response := self.blocked()) is not None:
            return response
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.prepare()
        if (response := self.blocked()) is not None:
            return response
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = self.save(form)
            except self.stale_errors as exc:
                self.on_stale(form, exc)
            except self.service_errors as exc:
                self.on_service_error(form, exc)
            else:
                text = self.get_success_message(saved)
                if text:
                    messages.success(request, text)
                return redirect(self.get_success_url(saved))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context
