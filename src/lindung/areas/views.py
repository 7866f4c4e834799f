"""Area pages: an area's own page (its children and denominators) and the denominator list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from lindung.core.generic import ScopedDetailView, ScopedListView
from lindung.core.spreadsheet import SpreadsheetError

from .denominators import import_denominators
from .forms import DenominatorFilterForm
from .generic import area_in_scope_or_404
from .models import Area, WorkforceDenominator
from .services import breadcrumbs_for
from .tables import DenominatorTable

MAX_UPLOAD = 5 * 1024 * 1024


class AreaDetailView(ScopedDetailView):
    """An area is its own scope: a user sees their area and the areas below it."""

    model = Area
    template_name = "areas/detail.html"
    context_object_name = "area"

    def get_object(self):
        return area_in_scope_or_404(self.request.user, self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.object
        context.update(
            children=list(area.children.order_by("code")),
            denominators=WorkforceDenominator.objects.filter(area=area).order_by("-year")[:5],
            breadcrumbs=breadcrumbs_for(area, self.request.user),
        )
        return context


class DenominatorListView(ScopedListView):
    """Working population per area; the kabupaten admin imports new figures here."""

    queryset = WorkforceDenominator.objects.select_related("area")
    filter_form_class = DenominatorFilterForm
    table_class = DenominatorTable
    template_name = "areas/denominators.html"
    title = _("Penduduk bekerja")

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def filter_queryset(self, qs, values):
        if values["tahun"]:
            qs = qs.filter(year=values["tahun"])
        return qs.order_by("area_id", "-year")

    def post(self, request, *args, **kwargs):
        if not request.user.is_admin:
            raise PermissionDenied(_("Hanya admin kabupaten yang dapat mengimpor penyebut."))
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Pilih berkas CSV atau XLSX terlebih dahulu."))
        elif upload.size > MAX_UPLOAD:
            messages.error(request, _("Berkas terlalu besar (maksimal 5 MB)."))
        else:
            self.import_file(request, upload)
        return redirect("areas:denominators")

    @staticmethod
    def import_file(request, upload) -> None:
        try:
            result = import_denominators(
                upload.name, upload.read(), scope_code=request.user.scope_code or ""
            )
        except SpreadsheetError as exc:
            messages.error(request, str(exc))
            return
        if result.errors:
            for err in result.errors[:20]:
                messages.error(request, err)
            messages.error(request, _("Tidak ada data yang disimpan. Perbaiki lalu unggah ulang."))
        else:
            messages.success(request, _("%(n)s penyebut tersimpan.") % {"n": result.saved})
