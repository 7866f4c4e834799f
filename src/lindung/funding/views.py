"""Pendanaan pages. Thin: querysets are scoped, the work happens in services/renewal/scenarios."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.scoping import area_q, get_scoped_or_404, scoped
from lindung.audit.models import AccessLog, log_access
from lindung.core import export
from lindung.core.charts import Chart, Series
from lindung.core.jobstatus import JobStatus
from lindung.enrollment.models import FundingType, Membership
from lindung.workers.nik import mask_nik

from . import cuts, renewal, scenarios, services
from .forms import CommitForm, FundingSourceForm, RenewalForm, ScenarioForm, manageable_choices
from .models import (
    LIVE_STATUSES,
    Commitment,
    CommitmentStatus,
    FundingSource,
    Reason,
    Scenario,
)

PAGE = 50
DANA_DESA_NOTE = _(
    "Catatan hukum: penggunaan Dana Desa untuk iuran warga biasa (mis. buruh tani) masih "
    "diperdebatkan. BPJSTK/DPMD menyebut Permendes PDT 16/2025 mengizinkannya (terutama PKTD), "
    "tetapi bunyi pasalnya masih perlu dipastikan; iuran perangkat desa jelas boleh dari "
    "APBDes. Pastikan dasar hukum di APBDes sebelum berkomitmen."
)


def _fmt(request) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


def _page(request, qs):
    return Paginator(qs, PAGE).get_page(request.GET.get("page"))


def _source_or_404(user, pk: int) -> FundingSource:
    """Sources are visible inside the user's area and, read-only, above it (see services)."""
    src = services.visible_sources(user).filter(pk=pk).select_related("owner_area").first()
    if src is None:
        raise Http404(_("Data tidak ditemukan."))
    return src


def _year(request, default: int) -> int:
    try:
        return int(request.GET.get("tahun") or default)
    except ValueError:
        return default


# ---------------------------------------------------------------------------------------------
# Sources and budgets
# ---------------------------------------------------------------------------------------------


def _filtered_sources(request):
    qs = services.visible_sources(request.user).select_related("owner_area")
    year = request.GET.get("tahun", "")
    stype = request.GET.get("jenis", "")
    q = request.GET.get("q", "").strip()
    if year.isdigit():
        qs = qs.filter(fiscal_year=int(year))
    if stype in FundingType.values:
        qs = qs.filter(source_type=stype)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(owner_area__name__icontains=q))
    return qs.order_by("-fiscal_year", "source_type", "owner_area_id", "name")


def _budget_chart(sources) -> Chart:
    rows = services.budget_by_type(sources)
    return Chart(
        id="anggaran-per-sumber",
        title=_("Pagu, dialokasikan dan terealisasi per jenis sumber dana"),
        kind="hbar",
        labels=[r["label"] for r in rows],
        series=[
            Series(_("Pagu"), [r["amount"] or 0 for r in rows]),
            Series(_("Dialokasikan"), [r["allocated"] or 0 for r in rows]),
            Series(_("Terealisasi"), [r["spent"] or 0 for r in rows]),
        ],
        money=True,
    )


@login_required
def source_list(request):
    qs = _filtered_sources(request)
    page = _page(request, qs)
    for src in page.object_list:
        src.manageable = services.can_manage(request.user, src)
    years = sorted(
        set(services.visible_sources(request.user).values_list("fiscal_year", flat=True)),
        reverse=True,
    )
    return render(
        request,
        "funding/source_list.html",
        {
            "page": page,
            "totals": services.budget_totals(qs),
            "charts": [_budget_chart(qs)],
            "types": FundingType.choices,
            "years": years,
            "can_create": request.user.can_edit,
            "has_dana_desa": qs.filter(source_type=FundingType.DANA_DESA).exists(),
            "dana_desa_note": DANA_DESA_NOTE,
        },
    )


@login_required
def source_export(request):
    qs = _filtered_sources(request)
    header = [
        _("Nama"), _("Jenis"), _("Kode wadah"), _("Tahun"), _("Bulan pertama"), _("Jumlah bulan"),
        _("Wilayah"), _("Kode wilayah"), _("Pagu"), _("Dialokasikan"), _("Terealisasi"),
        _("Sisa"), _("Dasar hukum"),
    ]  # fmt: skip
    rows = (
        [
            s.name,
            s.get_source_type_display(),
            s.wadah_code,
            s.fiscal_year,
            s.start_month.strftime("%m/%Y"),
            s.months,
            s.owner_area.name,
            s.owner_area_id,
            s.amount,
            s.allocated,
            s.spent,
            s.remaining,
            s.legal_basis,
        ]  # fmt: skip
        for s in qs.iterator()
    )
    return export.table_response(_fmt(request), "sumber-dana", "Sumber dana", header, rows)


@login_required
def source_detail(request, pk: int):
    src = _source_or_404(request.user, pk)
    commitments = (
        scoped(src.commitments.all(), request.user)
        .select_related("membership__worker__sector", "membership__village")
        .order_by("-created_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in CommitmentStatus.values:
        commitments = commitments.filter(status=status)
    page = _page(request, commitments)
    for c in page.object_list:
        nik = c.membership.worker.nik
        c.nik_shown = nik if request.user.sees_personal_data else mask_nik(nik)
    return render(
        request,
        "funding/source_detail.html",
        {
            "src": src,
            "page": page,
            "manageable": services.can_manage(request.user, src),
            "dana_desa_note": DANA_DESA_NOTE,
            "statuses": CommitmentStatus.choices,
            "sectors": src.eligible_sectors.all(),
            "areas": src.eligible_areas.all(),
        },
    )


@login_required
def source_form(request, pk: int | None = None):
    src = _source_or_404(request.user, pk) if pk else None
    if src and not services.can_manage(request.user, src):
        raise PermissionDenied(_("Anda tidak dapat mengubah sumber dana ini."))
    if not request.user.can_edit:
        raise PermissionDenied(_("Peran Anda hanya dapat melihat."))
    form = FundingSourceForm(request.POST or None, instance=src, user=request.user)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if not services.can_manage(request.user, obj):
            form.add_error("owner_area", _("Wilayah ini di luar wewenang Anda."))
        else:
            if src:
                new_amount = obj.amount
                obj.amount = FundingSource.objects.get(pk=src.pk).amount
                obj.save()
                form.save_m2m()
                try:
                    services.set_amount(obj, new_amount)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("funding:source_detail", pk=obj.pk)
            else:
                obj.created_by = request.user
                obj.save()
                form.save_m2m()
            messages.success(request, _("Sumber dana disimpan."))
            return redirect("funding:source_detail", pk=obj.pk)
    return render(
        request,
        "funding/source_form.html",
        {"form": form, "src": src, "dana_desa_note": DANA_DESA_NOTE},
    )


def _eligible_members(user, src: FundingSource):
    """Members the user may commit to this source: in scope, in its area, not yet funded."""
    qs = scoped(Membership.objects.all(), user).filter(area_q("village", src.owner_area_id))
    areas = [a.code for a in src.eligible_areas.all()]
    if areas:
        cond = Q()
        for code in areas:
            cond |= area_q("village", code)
        qs = qs.filter(cond)
    sectors = list(src.eligible_sectors.values_list("pk", flat=True))
    if sectors:
        qs = qs.filter(worker__sector_id__in=sectors)
    if src.max_poverty_desil is not None:
        qs = qs.filter(worker__poverty_desil__lte=src.max_poverty_desil)
    funded = Commitment.objects.filter(
        membership=OuterRef("pk"),
        status__in=LIVE_STATUSES,
        start_month__lte=src.end_month,
        end_month__gte=src.start_month,
    )
    return (
        qs.exclude(status__in=services.ENDED)
        .filter(worker__deceased_date__isnull=True)
        .exclude(Exists(funded))
        .select_related("worker__sector", "village")
        .order_by("worker__sector__priority", "worker__poverty_desil", "worker__name", "pk")
    )


@login_required
def commit_add(request, pk: int):
    src = _source_or_404(request.user, pk)
    if not services.can_manage(request.user, src):
        raise PermissionDenied(_("Anda tidak dapat mengalokasikan sumber dana ini."))
    members = _eligible_members(request.user, src)
    q = request.GET.get("q", "").strip()
    if q:
        members = members.filter(Q(worker__name__icontains=q) | Q(worker__nik__startswith=q))
    form = CommitForm(
        request.POST or None,
        initial={"start_month": src.start_month, "months": src.months},
    )
    if request.method == "POST" and form.is_valid():
        ids = [int(x) for x in request.POST.getlist("m") if x.isdigit()]
        chosen = list(members.filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            messages.error(request, _("Sebagian peserta yang dipilih tidak dapat didanai."))
        else:
            try:
                created = services.commit_many(
                    chosen,
                    src,
                    start_month=form.cleaned_data["start_month"],
                    months=form.cleaned_data["months"],
                    by=request.user,
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                messages.success(
                    request,
                    _("%(n)s peserta dialokasikan ke %(s)s.") % {"n": len(created), "s": src.name},
                )
                return redirect("funding:source_detail", pk=src.pk)
    page = _page(request, members)
    calc = services.CostCalculator()
    for m in page.object_list:
        m.cost = calc.for_membership(m, src, src.start_month, src.months)
        m.nik_shown = m.worker.nik if request.user.sees_personal_data else mask_nik(m.worker.nik)
    return render(
        request,
        "funding/commit_add.html",
        {"src": src, "page": page, "form": form, "q": q, "dana_desa_note": DANA_DESA_NOTE},
    )


def _commitment_for_change(request, pk: int) -> Commitment:
    c = get_scoped_or_404(Commitment.objects.select_related("source"), request.user, pk=pk)
    if not services.can_manage(request.user, c.source):
        raise PermissionDenied(_("Anda tidak dapat mengubah komitmen ini."))
    return c


@login_required
@require_POST
def commitment_cancel(request, pk: int):
    c = _commitment_for_change(request, pk)
    try:
        services.cancel(c, by=request.user)
        messages.success(request, _("Komitmen dibatalkan; anggaran dikembalikan."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("funding:source_detail", pk=c.source_id)


@login_required
@require_POST
def commitment_paid(request, pk: int):
    c = _commitment_for_change(request, pk)
    try:
        services.mark_paid(c, by=request.user)
        messages.success(request, _("Komitmen ditandai dibayar."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("funding:source_detail", pk=c.source_id)


@login_required
def commitment_export(request, pk: int):
    src = _source_or_404(request.user, pk)
    qs = scoped(src.commitments.all(), request.user).select_related(
        "membership__worker__sector", "membership__village"
    )
    full = request.user.sees_personal_data
    log_access(
        request.user,
        AccessLog.Action.EXPORT,
        f"Komitmen sumber dana {src.pk} ({src.name})",
        area_code=request.user.scope_code or "",
        record_count=qs.count(),
    )
    header = [
        _("NIK"), _("Nama"), _("Desa"), _("Sektor"), _("Bulan pertama"), _("Bulan terakhir"),
        _("Jumlah bulan"), _("Biaya"), _("Status"),
    ]  # fmt: skip
    rows = (
        [
            c.membership.worker.nik if full else mask_nik(c.membership.worker.nik),
            c.membership.worker.name,
            c.membership.village.name,
            c.membership.worker.sector.name,
            c.start_month.strftime("%m/%Y"),
            c.end_month.strftime("%m/%Y"),
            c.months,
            c.cost,
            c.get_status_display(),
        ]  # fmt: skip
        for c in qs.iterator()
    )
    return export.table_response(_fmt(request), f"komitmen-{src.pk}", "Komitmen", header, rows)


# ---------------------------------------------------------------------------------------------
# Renewal before lapse
# ---------------------------------------------------------------------------------------------


def _due(request, year: int):
    return renewal.due_for_renewal(scoped(Membership.objects.all(), request.user), year)


@login_required
def renewal_due(request):
    year = _year(request, dt.date.today().year + 1)
    due = _due(request, year)
    village = request.GET.get("desa", "")
    listed = due.filter(village_id=village) if village else due
    page = _page(
        request,
        listed.select_related("worker", "village").order_by("village_id", "worker__name", "pk"),
    )
    names = {
        pk: f"{name} · {area}"
        for pk, name, area in FundingSource.objects.filter(
            pk__in=[m.last_source_id for m in page.object_list if m.last_source_id]
        ).values_list("pk", "name", "owner_area__name")
    }
    for m in page.object_list:
        m.nik_shown = m.worker.nik if request.user.sees_personal_data else mask_nik(m.worker.nik)
        m.last_source_name = names.get(m.last_source_id, "")
    return render(
        request,
        "funding/renewal_due.html",
        {
            "year": year,
            "page": page,
            "by_village": renewal.due_by_village(due),
            "by_source": renewal.due_by_source(due),
            "total": due.count(),
            "village": village,
            "can_renew": request.user.can_edit,
        },
    )


@login_required
def renewal_export(request):
    year = _year(request, dt.date.today().year + 1)
    qs = _due(request, year).select_related("worker__sector", "village").order_by("village_id")
    full = request.user.sees_personal_data
    log_access(
        request.user,
        AccessLog.Action.EXPORT,
        f"Kepesertaan perlu diperpanjang {year}",
        area_code=request.user.scope_code or "",
        record_count=qs.count(),
    )
    header = [_("NIK"), _("Nama"), _("Desa"), _("Sektor"), _("Dibayar sampai"), _("Status")]
    rows = (
        [
            m.worker.nik if full else mask_nik(m.worker.nik),
            m.worker.name,
            m.village.name,
            m.worker.sector.name,
            m.paid_until.isoformat() if m.paid_until else "",
            m.get_status_display(),
        ]  # fmt: skip
        for m in qs.iterator()
    )
    return export.table_response(
        _fmt(request), f"perlu-diperpanjang-{year}", "Perpanjang", header, rows
    )


@login_required
def renewal_batch(request):
    if not request.user.can_edit:
        raise PermissionDenied(_("Peran Anda hanya dapat melihat."))
    sources = manageable_choices(request.user)
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "source" in request.GET else None)
    )
    form = RenewalForm(data, user=request.user, sources=sources)
    plan = None
    members = scoped(Membership.objects.all(), request.user)
    if data is not None and form.is_valid():
        src = form.cleaned_data["source"]
        prev = form.cleaned_data["previous_type"]
        if request.method == "POST":
            try:
                batch = renewal.run_batch(src, members, by=request.user, previous_type=prev)
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                messages.success(
                    request,
                    _("%(n)s kepesertaan diperpanjang ke %(s)s; %(k)s tidak tertampung.")
                    % {"n": batch.committed_count, "s": src.name, "k": batch.skipped_count},
                )
                return redirect("funding:source_detail", pk=src.pk)
        plan = renewal.preview(src, members, previous_type=prev)
        for line in plan.lines:
            nik = line.membership.worker.nik
            line.nik_shown = nik if request.user.sees_personal_data else mask_nik(nik)
    return render(request, "funding/renewal_batch.html", {"form": form, "plan": plan})


# ---------------------------------------------------------------------------------------------
# Optimiser scenarios
# ---------------------------------------------------------------------------------------------


@login_required
def scenario_list(request):
    qs = scoped(Scenario.objects.all(), request.user).select_related("area")
    form = ScenarioForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can_edit:
            raise PermissionDenied(_("Peran Anda hanya dapat melihat."))
        if form.is_valid() and request.user.area_id is None:
            messages.error(request, _("Akun Anda belum memiliki wilayah kerja."))
        elif form.is_valid():
            try:
                policy = services.active_policy()
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                sc = form.save(commit=False)
                sc.area = request.user.area
                sc.type_cuts = form.type_cuts()
                sc.weight_policy = policy
                sc.created_by = request.user
                sc.save()
                scenarios.start(sc)
                return redirect("funding:scenario_detail", pk=sc.pk)
    return render(
        request,
        "funding/scenario_list.html",
        {"page": _page(request, qs), "form": form, "can_run": request.user.can_edit},
    )


def _scenario(request, pk: int) -> Scenario:
    return get_scoped_or_404(Scenario.objects.select_related("area"), request.user, pk=pk)


def _visible_losers(user, rows):
    """Names only of participants inside the user's area; the counts stay whole."""
    from lindung.accounts.scoping import user_covers_area

    for row in rows:
        row.shown = [c for c in row.losing if user_covers_area(user, c.membership.village_id)]
    return rows


@login_required
def scenario_detail(request, pk: int):
    sc = _scenario(request, pk)
    ctx = {"sc": sc, "running": sc.status in (JobStatus.QUEUED, JobStatus.RUNNING)}
    if sc.status == JobStatus.DONE:
        rows = list(sc.sources.select_related("source__owner_area"))
        by_id = {r.source_id: r for r in rows}
        cands = scoped(sc.candidates.all(), request.user).select_related(
            "membership__worker__sector", "membership__village", "source", "greedy_source"
        )
        reason = request.GET.get("alasan", "")
        if reason in Reason.values:
            cands = cands.filter(reason=reason)
        q = request.GET.get("q", "").strip()
        if q:
            cands = cands.filter(membership__worker__name__icontains=q)
        page = _page(request, cands.order_by("-weight", "id"))
        for c in page.object_list:
            c.why = _why(c, by_id)
            nik = c.membership.worker.nik
            c.nik_shown = nik if request.user.sees_personal_data else mask_nik(nik)
        managed = {r.source_id for r in rows if services.can_manage(request.user, r.source)}
        ctx.update(
            {
                "policy_tiers": services.policy_tiers(sc.weight_policy),
                "over_commitments": _visible_losers(
                    request.user, cuts.over_commitments(sc, [r.source for r in rows])
                ),
                "rows": rows,
                "page": page,
                "reasons": Reason.choices,
                "reason": reason,
                "q": q,
                "can_apply": bool(managed) and request.user.can_edit,
                "others": scoped(Scenario.objects.all(), request.user)
                .filter(status=JobStatus.DONE)
                .exclude(pk=sc.pk)[:20],
            }
        )
    return render(request, "funding/scenario_detail.html", ctx)


def _why(c, by_id) -> str:
    if c.reason == Reason.DIDANAI:
        return _("Didanai %(s)s (bobot %(w)s)") % {"s": c.source.name, "w": c.weight}
    if c.reason == Reason.TIDAK_LAYAK:
        return _("Tidak ada sumber dana yang syaratnya (wilayah, sektor, desil) terpenuhi.")
    if c.reason == Reason.DI_BAWAH_BATAS:
        cuts = [r.cutoff_weight for r in by_id.values() if r.cutoff_weight is not None]
        low = min(cuts) if cuts else None
        return _(
            "Bobot %(w)s di bawah batas potong sumber yang sesuai (terendah yang didanai: "
            "%(c)s); anggaran dipakai untuk prioritas lebih tinggi."
        ) % {"w": c.weight, "c": low if low is not None else "-"}
    return _(
        "Anggaran sumber yang sesuai habis (biaya %(cost)s); sisa anggaran lebih kecil dari biaya."
    ) % {"cost": f"Rp{c.cost:,}".replace(",", ".")}


@login_required
def scenario_status(request, pk: int):
    sc = _scenario(request, pk)
    response = render(request, "funding/_scenario_status.html", {"sc": sc})
    if sc.status in (JobStatus.DONE, JobStatus.FAILED):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def scenario_apply(request, pk: int):
    sc = _scenario(request, pk)
    if not request.user.can_edit or sc.status != JobStatus.DONE:
        raise PermissionDenied(_("Skenario ini tidak dapat diterapkan."))
    managed = {
        r.source_id
        for r in sc.sources.select_related("source")
        if services.can_manage(request.user, r.source)
    }
    confirmed = request.POST.get("konfirmasi_potongan") == "1"
    try:
        with transaction.atomic():
            ended = cuts.apply_cuts(sc, by=request.user, user_sources=managed, confirmed=confirmed)
            n = scenarios.apply(sc, by=request.user, user_sources=managed)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("%(n)s komitmen dibuat dari skenario.") % {"n": n})
        for village, rows in cuts.by_village(ended).items():
            messages.warning(
                request,
                _("%(v)s: pendanaan %(n)s peserta diakhiri karena pemotongan: %(names)s.")
                % {
                    "v": village,
                    "n": len(rows),
                    "names": ", ".join(c.membership.worker.name for c in rows),
                },
            )
    return redirect("funding:scenario_detail", pk=sc.pk)


@login_required
def scenario_export(request, pk: int):
    sc = _scenario(request, pk)
    qs = scoped(sc.candidates.all(), request.user).select_related(
        "membership__worker__sector", "membership__village", "source", "greedy_source"
    )
    full = request.user.sees_personal_data
    log_access(
        request.user,
        AccessLog.Action.EXPORT,
        f"Hasil skenario {sc.pk} ({sc.name})",
        area_code=request.user.scope_code or "",
        record_count=qs.count(),
    )
    header = [
        _("NIK"), _("Nama"), _("Desa"), _("Sektor"), _("Desil"), _("Bobot"), _("Hasil"),
        _("Sumber dana"), _("Biaya"), _("Sumber (greedy)"),
    ]  # fmt: skip
    rows = (
        [
            c.membership.worker.nik if full else mask_nik(c.membership.worker.nik),
            c.membership.worker.name,
            c.membership.village.name,
            c.membership.worker.sector.name,
            c.membership.worker.poverty_desil or "",
            c.weight,
            c.get_reason_display(),
            c.source.name if c.source else "",
            c.cost,
            c.greedy_source.name if c.greedy_source else "",
        ]  # fmt: skip
        for c in qs.order_by("-weight", "id").iterator()
    )
    return export.table_response(_fmt(request), f"skenario-{sc.pk}", "Skenario", header, rows)


@login_required
def scenario_compare(request):
    ids = [int(x) for x in request.GET.getlist("s") if x.isdigit()][:4]
    chosen = list(
        scoped(Scenario.objects.all(), request.user).filter(pk__in=ids, status=JobStatus.DONE)
    )
    chosen.sort(key=lambda s: ids.index(s.pk))
    if len(chosen) < 2:
        messages.error(request, _("Pilih minimal dua skenario yang sudah selesai."))
        return redirect("funding:scenario_list")
    return render(request, "funding/scenario_compare.html", {"table": scenarios.compare(chosen)})
