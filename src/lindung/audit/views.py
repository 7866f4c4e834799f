"""Administration pages of the audit trail: a record's change history and the access log."""

from django.apps import apps
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from lindung.core.generic import ScopedDetailView, ScopedListView

from .forms import AccessLogFilterForm
from .models import AccessLog
from .services import history_entries
from .tables import AccessLogTable


class AdminOnlyMixin:
    """Pages for the kabupaten admin; to anyone else they do not exist."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_admin:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class RecordHistoryView(AdminOnlyMixin, ScopedDetailView):
    template_name = "audit/history.html"

    def base_queryset(self):
        try:
            model = apps.get_model(self.kwargs["app_label"], self.kwargs["model_name"])
        except LookupError as exc:
            raise Http404 from exc
        if not hasattr(model, "history") or not hasattr(model, "scope_field"):
            raise Http404
        return model.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            entries=history_entries(self.object),
            model_name=self.object._meta.verbose_name,
        )
        return context


class AccessLogView(AdminOnlyMixin, ScopedListView):
    """Every export and full view of personal data. The log names areas as codes (not a
    scoped relation): the admin who may open it sees the whole regency."""

    filter_form_class = AccessLogFilterForm
    table_class = AccessLogTable
    template_name = "audit/access_log.html"
    title = _("Log akses data pribadi")

    def get_queryset(self):
        return AccessLog.objects.select_related("user")

    def filter_queryset(self, qs, values):
        if values["aksi"]:
            qs = qs.filter(action=values["aksi"])
        if values["dari"]:
            qs = qs.filter(at__date__gte=values["dari"])
        if values["sampai"]:
            qs = qs.filter(at__date__lte=values["sampai"])
        return qs.order_by("-at", "-id")
