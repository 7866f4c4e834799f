"""The monthly report and the Paritrana dossier: a village's at once, a larger area's as a
background job the user follows on «Laporan saya». Both hold figures, area names and
regulations, no personal data: like the dashboards they are scoped, not access-logged."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from lindung.core.export import attachment
from lindung.core.generic import FilteredMixin, ScopedDetailView, ScopedListView

from .. import reportjobs, reports
from ..filters import ExportListForm, ParitranaFilterForm, PeriodFilterForm
from ..models import ReportJob
from .base import CoverageAreaMixin


class ReportRequestView(CoverageAreaMixin, FilteredMixin, TemplateView):
    """GET on a village gives the file; on a larger area a confirmation page (old links,
    bookmarks), whose POST queues the job."""

    http_method_names = ["get", "post"]
    template_name = "coverage/report_request.html"
    kind = ""

    def period(self) -> dt.date:
        raise NotImplementedError

    def get(self, request, code: str, fmt: str):
        if fmt not in reports.FORMATS:
            raise Http404
        area, period = self.area, self.period()
        if reportjobs.is_direct(area):
            doc = reports.make(self.kind, fmt, request.user, area, period)
            return attachment(doc.content, doc.content_type, doc.filename)
        if request.method == "POST":
            job = reportjobs.request(request.user, area, self.kind, fmt, period)
            return redirect("coverage:report_job", pk=job.pk)
        return self.render_to_response(
            self.get_context_data(
                area=area,
                kind_label=ReportJob.Kind(self.kind).label,
                kind=self.kind,
                fmt=fmt,
                period=period,
                query=request.GET.urlencode(),
            )
        )

    post = get


class MonthlyReportView(ReportRequestView):
    kind = ReportJob.Kind.MONTHLY
    filter_form_class = PeriodFilterForm

    def period(self) -> dt.date:
        return self.filter_values()["bulan"]


class ParitranaReportView(ReportRequestView):
    kind = ReportJob.Kind.PARITRANA
    filter_form_class = ParitranaFilterForm

    def period(self) -> dt.date:
        return dt.date(self.filter_values()["tahun"], 1, 1)


class OwnReportJobMixin:
    """The user's own report jobs, while their scope covers the job's area (404 otherwise)."""

    def base_queryset(self):
        return ReportJob.objects.select_related("area").filter(created_by=self.request.user)


class ReportJobListView(OwnReportJobMixin, ScopedListView):
    filter_form_class = ExportListForm
    template_name = "coverage/report_jobs.html"


class ReportJobView(OwnReportJobMixin, ScopedDetailView):
    template_name = "coverage/report_job.html"
    context_object_name = "job"

    def get_object(self):
        job = super().get_object()
        if reportjobs.is_stale(job):  # its worker died and no sweep has run since
            reportjobs.recover_stale(waiting=False)
            job.refresh_from_db()
        return job


class ReportJobProgressView(ReportJobView):
    template_name = "coverage/_report_progress.html"

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_running:
            response["HX-Refresh"] = "true"  # finished or failed: reload the full page once
        return response


class ReportJobDownloadView(ReportJobView):
    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job.files_deleted_at:
            messages.info(request, _("Berkas laporan ini sudah dihapus karena lewat masa simpan."))
            return redirect("coverage:report_job", pk=job.pk)
        if job.status != ReportJob.Status.DONE or not job.file:
            raise Http404("Laporan belum selesai.")
        try:
            handle = job.file.open("rb")
        except OSError as exc:
            raise Http404("Berkas laporan tidak ada lagi; buat laporan lagi.") from exc
        return FileResponse(
            handle,
            as_attachment=True,
            filename=job.filename,
            content_type=reports.CONTENT_TYPES[job.fmt],
        )
