"""The figures coverage is measured against: BPJS's monthly participant counts (uploaded by
the branch office), coverage targets, and the regency's regulations and innovations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from lindung.accounts.scoping import scoped
from lindung.core.export import table_response
from lindung.core.generic import FilteredMixin, ScopedListView, requested_delimiter
from lindung.core.spreadsheet import SpreadsheetError

from ..bpjs_import import import_bpjs_counts
from ..filters import ExportListForm
from ..forms import InnovationForm, PolicyForm, TargetForm, UploadForm
from ..models import (
    BpjsReportCount,
    CoverageConfig,
    CoverageTarget,
    GradeBand,
    Innovation,
    RegionalPolicy,
)
from .base import EXPORT_FORMATS, is_branch_or_regency

SHOWN_ERRORS = 20


class BpjsReportListView(ScopedListView):
    queryset = BpjsReportCount.objects.select_related("area")
    download_formats = EXPORT_FORMATS
    filter_form_class = ExportListForm
    template_name = "coverage/bpjs_reports.html"
    http_method_names = ["get", "post"]

    def download(self, fmt: str):
        header = ["kode_wilayah", "wilayah", "bulan", "segmen", "jumlah", "sumber"]
        rows = [
            [
                r.area_id,
                r.area.name,
                r.period.strftime("%Y-%m"),
                r.segment,
                r.participants,
                r.source_note,
            ]
            for r in self.get_queryset()
        ]
        return table_response(
            fmt,
            "laporan_bpjs",
            "Laporan BPJS",
            header,
            rows,
            delimiter=requested_delimiter(self.request),
        )

    def post(self, request, *args, **kwargs):
        if not is_branch_or_regency(request.user):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid() and self.import_file(form.cleaned_data["file"]):
            return redirect("coverage:bpjs_reports")
        return self.render_to_response(self.get_context_data(form=form))

    def import_file(self, upload) -> bool:
        """Saves every row or none; each problem becomes a message."""
        request = self.request
        try:
            result = import_bpjs_counts(
                upload.name,
                upload.read(),
                user=request.user,
                scope_code=request.user.scope_code or "",
            )
        except SpreadsheetError as exc:
            messages.error(request, str(exc))
            return False
        if not result.errors:
            messages.success(
                request, _("%(n)s angka laporan BPJS tersimpan.") % {"n": result.saved}
            )
            return True
        for err in result.errors[:SHOWN_ERRORS]:
            messages.error(request, err)
        if len(result.errors) > SHOWN_ERRORS:
            more = len(result.errors) - SHOWN_ERRORS
            messages.error(request, _("… dan %(n)s kesalahan lain.") % {"n": more})
        messages.error(request, _("Tidak ada data yang disimpan. Perbaiki lalu unggah ulang."))
        return False

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", UploadForm())
        context = super().get_context_data(**kwargs)
        context["can_import"] = is_branch_or_regency(self.request.user)
        return context


class AdminPostMixin:
    """Everyone in scope reads these pages; only the admin kabupaten saves them."""

    def require_admin(self) -> None:
        if not self.request.user.is_admin:
            raise PermissionDenied


class TargetsView(AdminPostMixin, LoginRequiredMixin, FilteredMixin, TemplateView):
    template_name = "coverage/targets.html"
    filter_form_class = ExportListForm

    def rows(self) -> list[CoverageTarget]:
        own = scoped(CoverageTarget.objects.select_related("area"), self.request.user)
        return list(CoverageTarget.objects.filter(area__isnull=True)) + list(own)

    def get(self, request, *args, **kwargs):
        fmt = self.filter_values()["format"]
        if fmt in EXPORT_FORMATS:
            header = ["wilayah", "tahun", "target_persen", "sumber", "catatan"]
            data = [
                [r.area_id or "nasional", r.year, r.percent, r.source, r.note] for r in self.rows()
            ]
            return table_response(
                fmt,
                "target_cakupan",
                "Target",
                header,
                data,
                delimiter=requested_delimiter(request),
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.require_admin()
        form = TargetForm(request.POST, user=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Target tersimpan."))
            return redirect("coverage:targets")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.setdefault("form", TargetForm(user=user))
        return {
            **super().get_context_data(**kwargs),
            "rows": self.rows(),
            "filter_form": self.get_filter_form(),
            "can_edit": user.is_admin,
            "bands": GradeBand.objects.order_by("-valid_from", "min_percent"),
            "config": CoverageConfig.current(),
        }


class PoliciesView(AdminPostMixin, LoginRequiredMixin, TemplateView):
    """Regional regulations and innovations: two forms on one page (prefixes p- and i-)."""

    template_name = "coverage/policies.html"

    def post(self, request, *args, **kwargs):
        self.require_admin()
        user = request.user
        if "p-number" in request.POST:
            form = PolicyForm(request.POST, user=user, prefix="p")
            forms = {"policy_form": form}
        else:
            form = InnovationForm(request.POST, user=user, prefix="i")
            forms = {"innovation_form": form}
        if form.is_valid():
            form.save()
            messages.success(request, _("Data tersimpan."))
            return redirect("coverage:policies")
        return self.render_to_response(self.get_context_data(**forms))

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.setdefault("policy_form", PolicyForm(user=user, prefix="p"))
        kwargs.setdefault("innovation_form", InnovationForm(user=user, prefix="i"))
        return {
            **super().get_context_data(**kwargs),
            "policies": scoped(RegionalPolicy.objects.select_related("area"), user),
            "innovations": scoped(Innovation.objects.select_related("area"), user),
            "can_edit": user.is_admin,
        }
