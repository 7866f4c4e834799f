"""Pages under /pertukaran/: thin declarations over the generic scoped views (core.generic).

Every query parameter is read through a filter form (filters.py). The files BPJS and OpenSID
read keep their own fixed layouts (files.py, bpjs_export.py, opensid.py); the import report
is an ordinary list and goes through core.export like every other CSV download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from lindung.accounts import masking
from lindung.accounts.scoping import scoped
from lindung.areas.models import Area, AreaLevel
from lindung.audit.models import AccessLog, log_access
from lindung.core import export
from lindung.core.filters import read_filters
from lindung.core.generic import (
    EditorRequiredMixin,
    FilteredMixin,
    ScopedActionView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    ScopedMixin,
)
from lindung.core.generic.export import ExportOptionsForm
from lindung.core.spreadsheet import SpreadsheetError

from . import bpjs_export, bpjs_status, bridge, kobo, opensid
from .filters import (
    ExportAreaFilterForm,
    ImportEntriesFilterForm,
    OpensidStatusFilterForm,
    PagedForm,
)
from .forms import (
    ConfirmRowsForm,
    ExportForm,
    KoboUploadForm,
    OpensidUploadForm,
    ProfileForm,
    StatusUploadForm,
)
from .matching import Match
from .models import ExchangeImport, ExportBatch, ExportProfile, ImportKind, ImportState

PAGE_SIZE = 25
PREVIEW_ROWS = 200
ENTRIES_PER_PAGE = 100
XLSX_TYPE = export.XLSX_TYPE


def _import_url(imp) -> str:
    return reverse("exchange:import_detail", args=[imp.pk])


def _export_areas(user):
    code = user.scope_code
    qs = Area.objects.filter(level__in=[AreaLevel.KECAMATAN, AreaLevel.DESA]).order_by("code")
    if code is None:
        return qs.none()
    return qs if code == "" else qs.within(code).exclude(code=code)


class ExchangeIndexView(ScopedListView):
    """The exchange home: what can be sent or read, and the area's import history."""

    queryset = ExchangeImport.objects.select_related("created_by")
    filter_form_class = PagedForm
    template_name = "exchange/index.html"
    paginate_by = PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        batches = scoped(ExportBatch.objects.select_related("created_by", "profile"), user)
        context.update(
            imports=context["page"],
            batches=batches[:10],
            can_export=bpjs_export.may_export(user),
            can_import_status=bpjs_status.may_import(user),
            can_edit=user.can_edit,
            pending=bpjs_export.candidates(user).count(),
        )
        return context


# --- BPJS batch export -----------------------------------------------------------------------


class BpjsExportView(FilteredMixin, ScopedEditView):
    """The batch form, with a preview of the rows it will hold; a valid form downloads the
    file (bpjs_export writes the branch's fixed layout) instead of redirecting."""

    form_class = ExportForm
    filter_form_class = ExportAreaFilterForm
    template_name = "exchange/bpjs_export.html"
    read_only_message = gettext_lazy("Peran Anda tidak dapat mengekspor data pribadi peserta.")

    def may_edit(self, user):
        return bpjs_export.may_export(user)

    def get_filter_form_kwargs(self):
        return {"user": self.request.user}

    def get_form_kwargs(self):
        user = self.request.user
        return {"areas": _export_areas(user), "can_submit": bpjs_export.may_submit(user)}

    def post(self, request, *args, **kwargs):
        self.prepare()
        form = self.get_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = bpjs_export.export_batch(
                    request.user,
                    data["profile"],
                    file_format=data["file_format"],
                    area_code=data["area"] or None,
                    submit=data.get("submit", False),
                    note=data.get("note", ""),
                )
            except bpjs_export.ExportError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:  # a lifecycle step refused: nothing was recorded
                messages.error(request, " ".join(exc.messages))
            else:
                return export.attachment(result.content, result.content_type, result.filename)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, form = self.request.user, context["form"]
        for text in self.get_filter_form().invalid_messages():
            messages.warning(self.request, text)
        # The preview follows the area chosen in the form once sent, else `?area=`.
        area = (form.cleaned_data.get("area") if form.is_bound and form.is_valid() else "") or (
            self.get_filter_form().values["area"]
        )
        qs = bpjs_export.candidates(user, area or None)
        profile = (
            ExportProfile.objects.filter(is_default=True).first() or ExportProfile.objects.first()
        )
        header, rows = ([], [])
        if profile:
            header, rows = bpjs_export.build_rows(profile, list(qs[:PREVIEW_ROWS]))
        waiting = bpjs_export.awaiting_verification(user, area or None)
        context.update(
            count=qs.count(),
            header=header,
            rows=rows,
            profile=profile,
            waiting=waiting[:PREVIEW_ROWS],
            waiting_count=waiting.count(),
        )
        return context


class BatchDetailView(FilteredMixin, ScopedDetailView):
    queryset = ExportBatch.objects.select_related("profile", "created_by", "area")
    filter_form_class = PagedForm
    template_name = "exchange/batch_detail.html"
    context_object_name = "batch"

    def get_context_data(self, **kwargs):
        from lindung.enrollment.models import Membership

        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = read_filters(self.request, self.filter_form_class)
        members = scoped(
            Membership.objects.filter(pk__in=self.object.membership_ids).select_related(
                "worker", "village"
            ),
            user,
        ).order_by("village_id", "worker__name")
        page = Paginator(members, PAGE_SIZE).get_page(form.values["page"])
        for m in page.object_list:
            m.nik_shown = masking.nik_for(user, m.worker.nik)
        context.update(page=page, filter_form=form)
        return context


# --- Imports ---------------------------------------------------------------------------------


class UploadPreviewView(LoginRequiredMixin, EditorRequiredMixin, TemplateView):
    """An exchange file upload: the page shows to every role that may open it, sending a file
    needs the edit right; the service reads the file into a preview (nothing applied yet) and
    the operator goes on to the import's page. A file it cannot read is an error on the field."""

    form_class = None
    service_errors: tuple[type[Exception], ...] = (SpreadsheetError,)
    editors_only_page = False  # True: the page itself is refused to other roles

    def get_form(self):
        return self.form_class(self.request.POST or None, self.request.FILES or None)

    def preview(self, form, name: str, data: bytes) -> ExchangeImport:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if self.editors_only_page:
            self.require_editor()
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.require_editor()
        form = self.get_form()
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imp = self.preview(form, upload.name, upload.read())
            except self.service_errors as exc:
                form.add_error("file", str(exc))
            else:
                return redirect(_import_url(imp))
        return self.render_to_response(self.get_context_data(form=form))


class BpjsImportView(UploadPreviewView):
    form_class = StatusUploadForm
    template_name = "exchange/upload.html"
    service_errors = (bpjs_status.StatusImportError, SpreadsheetError)
    editors_only_page = True
    read_only_message = gettext_lazy(
        "Hanya petugas BPJS atau admin kabupaten yang dapat mengimpor."
    )
    extra_context = {"kind": ImportKind.BPJS_STATUS}

    def may_edit(self, user):
        return bpjs_status.may_import(user)

    def preview(self, form, name, data):
        return bpjs_status.preview(self.request.user, name, data)


class OpensidView(UploadPreviewView):
    template_name = "exchange/opensid.html"
    service_errors = (opensid.OpensidError, SpreadsheetError)

    def villages(self) -> list:
        if not hasattr(self, "_villages"):
            user = self.request.user
            self._villages = list(opensid.target_villages(user).select_related("parent"))
        return self._villages

    def get_form(self):
        return OpensidUploadForm(
            self.request.POST or None,
            self.request.FILES or None,
            villages=self.villages(),
            prefix="impor",
        )

    def preview(self, form, name, data):
        return opensid.preview(self.request.user, name, data, form.cleaned_data["village"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            upload=context["form"],
            export=OpensidStatusFilterForm(villages=self.villages()),
            villages=self.villages(),
        )
        return context


class OpensidStatusExportView(LoginRequiredMixin, FilteredMixin, View):
    """The membership status of one village as XLSX for the village staff (opensid.py's
    layout); `?ekspor-desa=` must be one of the user's villages."""

    filter_form_class = OpensidStatusFilterForm

    def get_filter_form_kwargs(self):
        return {"villages": list(opensid.target_villages(self.request.user))}

    def get(self, request, *args, **kwargs):
        user = request.user
        form = self.get_filter_form()
        if not form.is_valid():
            messages.error(request, _("Pilih desa di wilayah kerja Anda."))
            return redirect("exchange:opensid")
        code = form.cleaned_data["desa"]
        try:
            content = opensid.export_status(user, code)
        except opensid.OpensidError as exc:
            raise PermissionDenied(str(exc)) from exc
        filename = f"status-kepesertaan-{code.replace('.', '')}.xlsx"
        return export.attachment(content, XLSX_TYPE, filename)


class KoboView(UploadPreviewView):
    form_class = KoboUploadForm
    template_name = "exchange/kobo.html"
    service_errors = (kobo.KoboError, SpreadsheetError)

    def preview(self, form, name, data):
        skip = form.cleaned_data["skip_not_approved"]
        return kobo.preview(self.request.user, name, data, skip_not_approved=skip)


class KoboXlsformView(LoginRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        content = kobo.xlsform(request.user)
        return export.attachment(content, XLSX_TYPE, "lindung-pendataan-xlsform.xlsx")


class ImportDetailView(FilteredMixin, ScopedDetailView):
    """An import's preview or result: BPJS status rows (all, or `?tampil=masalah`), or what an
    OpenSID/Kobo import skipped and could not read."""

    queryset = ExchangeImport.objects.select_related("created_by")
    filter_form_class = ImportEntriesFilterForm
    context_object_name = "imp"

    def get_template_names(self):
        if self.object.kind == ImportKind.BPJS_STATUS:
            return ["exchange/status_detail.html"]
        return ["exchange/bridge_detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        imp, user = self.object, self.request.user
        form = read_filters(self.request, self.filter_form_class)
        context["can_apply"] = imp.state == ImportState.PREVIEW
        if imp.kind == ImportKind.BPJS_STATUS:
            context["can_apply"] &= bpjs_status.may_import(user)
            only = form.values["tampil"] or ""
            entries = [dict(e, nik_shown=masking.nik_for(user, e["nik"])) for e in imp.report]
            if only == "masalah":
                entries = [e for e in entries if e["problem"] or e["match"] == Match.FUZZY]
            context.update(
                entries=Paginator(entries, ENTRIES_PER_PAGE).get_page(form.values["page"]),
                fuzzy=Match.FUZZY,
                only=only,
                filter_form=form,
            )
            return context
        context["can_apply"] &= user.can_edit
        report = imp.report[0] if imp.report else {"skipped": [], "problems": []}
        context.update(skipped=report["skipped"][:500], problems=report["problems"][:500])
        return context


class ImportApplyView(ScopedActionView):
    """Apply a preview. A BPJS status import is the branch roles' step (bpjs_status.apply
    checks it); an OpenSID/Kobo import needs the edit right."""

    model = ExchangeImport
    get_success_url = staticmethod(_import_url)

    def get_object(self):
        self.object = super().get_object()
        return self.object

    def may_edit(self, user):
        return self.object.kind == ImportKind.BPJS_STATUS or super().may_edit(user)

    def act(self, request, imp):
        try:
            if imp.kind == ImportKind.BPJS_STATUS:
                confirmed = ConfirmRowsForm(request.POST).rows()
                bpjs_status.apply(imp, request.user, confirmed)
            else:
                bridge.apply(imp, request.user)
        except (bpjs_status.StatusImportError, bridge.BridgeError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Impor diterapkan. Lihat hasil per baris di bawah."))


class ImportReportView(FilteredMixin, ScopedMixin, View):
    """The rows of an import that did not match or had a problem, as CSV through core.export
    (`?pemisah=titikkoma`: «CSV untuk Excel»). NIKs masked for roles without personal data."""

    model = ExchangeImport
    filter_form_class = ExportOptionsForm

    def rows(self, imp) -> tuple[list[str], list[list]]:
        user = self.request.user
        if imp.kind == ImportKind.BPJS_STATUS:
            show = lambda nik: masking.nik_for(user, nik)  # noqa: E731
            rows = bpjs_status.report_rows(imp, only_problems=True, show_nik=show)
            return bpjs_status.REPORT_HEADER, rows
        report = imp.report[0] if imp.report else {"skipped": [], "problems": []}
        rows = [[s["row"], s["name"], "", "dilewati", s["reason"]] for s in report["skipped"]]
        rows += [
            [p["row"], "", p["column"] or "", p["code"], p["message"]] for p in report["problems"]
        ]
        return ["Baris", "Nama", "Kolom", "Kode", "Keterangan"], rows

    def get(self, request, *args, **kwargs):
        imp = self.get_object()
        header, rows = self.rows(imp)
        delimiter = export.separator(self.get_filter_form().values["pemisah"])
        log_access(
            request.user,
            AccessLog.Action.DOWNLOAD,
            f"Laporan impor pertukaran #{imp.pk}",
            area_code=imp.area_id,
            record_count=len(rows),
        )
        content = export.csv_bytes(header, rows, delimiter)
        return export.attachment(content, export.CSV_TYPE, f"laporan-impor-{imp.pk}.csv")


# --- Export profiles (configuration) --------------------------------------------------------


class ProfileListView(LoginRequiredMixin, TemplateView):
    """Column profiles are regency-wide configuration, not area records: every role reads them."""

    template_name = "exchange/profiles.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(profiles=ExportProfile.objects.all(), can_manage=self.request.user.is_admin)
        return context


class ProfileEditView(ScopedEditView):
    form_class = ProfileForm
    template_name = "exchange/profile_form.html"
    read_only_message = gettext_lazy("Hanya admin kabupaten yang dapat mengubah profil ekspor.")
    success_message = gettext_lazy("Profil ekspor disimpan.")

    def may_edit(self, user):
        return user.is_admin

    def get_object(self):
        # Regency-wide configuration: no area to scope by.
        pk = self.kwargs.get(self.pk_url_kwarg)
        return get_object_or_404(ExportProfile, pk=pk) if pk else None

    def save(self, form):
        form.instance._history_user = self.request.user
        return form.save()

    def get_success_url(self, saved):
        return reverse("exchange:profiles")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["profile"] = self.object
        return context
