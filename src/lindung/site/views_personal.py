"""Admin pages for data-subject requests (UU 27/2022): export everything, or anonymise.
Only the admin kabupaten reaches them; for anyone else they do not exist (404)."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from lindung.accounts.scoping import scoped
from lindung.audit.models import AccessLog, log_access
from lindung.core import export
from lindung.core.generic import FilteredMixin, ScopedActionView, ScopedMixin
from lindung.workers.models import Worker

from .filters import PersonSearchForm
from .personal_data import anonymise, collect

CONFIRM_WORD = "ANONIMKAN"


class AdminOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_admin:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PersonSearchView(AdminOnlyMixin, FilteredMixin, TemplateView):
    http_method_names = ["get"]
    template_name = "site/person_search.html"
    filter_form_class = PersonSearchForm

    def get_context_data(self, **kwargs):
        nik = self.filter_values()["nik"]  # a malformed NIK is a warning
        found = None
        if nik:
            found = scoped(Worker.objects.all(), self.request.user).filter(nik=nik).first()
            if found is None:
                messages.error(
                    self.request, "Tidak ada pekerja dengan NIK itu di wilayah kerja Anda."
                )
        typed = (self.get_filter_form()["nik"].value() or "").strip()
        return {**super().get_context_data(**kwargs), "query": nik or typed, "worker": found}


class PersonExportView(AdminOnlyMixin, ScopedMixin, View):
    http_method_names = ["get"]
    model = Worker
    pk_url_kwarg = "worker_id"

    def get(self, request, *args, **kwargs):
        worker = self.get_object()
        payload = collect(worker)
        log_access(
            request.user,
            AccessLog.Action.EXPORT,
            f"Semua data pribadi pekerja #{worker.pk}",
            area_code=worker.village_id,
            record_count=sum(len(rows) for rows in payload["data"].values()),
        )
        return export.attachment(
            json.dumps(payload, ensure_ascii=False, indent=1),
            "application/json",
            f"data-pribadi-{worker.pk}.json",
        )


class PersonAnonymiseView(AdminOnlyMixin, ScopedActionView):
    model = Worker
    pk_url_kwarg = "worker_id"

    def act(self, request, worker):
        if request.POST.get("confirm", "").strip() != CONFIRM_WORD:
            messages.error(request, f"Ketik {CONFIRM_WORD} untuk mengonfirmasi anonimisasi.")
            return reverse("person_search") + "?" + urlencode({"nik": worker.nik})
        anonymise(worker)
        log_access(
            request.user,
            AccessLog.Action.ANONYMISE,
            f"Anonimisasi pekerja #{worker.pk}",
            area_code=worker.village_id,
            record_count=1,
        )
        messages.success(
            request, "Data pribadi telah dianonimkan; angka cakupan dan anggaran tidak berubah."
        )
        return reverse("person_search")
