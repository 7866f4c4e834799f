"""Membership lifecycle, payments and the lapse rule. No HTTP here; views call these.

Lifecycle (issue #4): didata -> diverifikasi -> diajukan -> aktif -> menunggak/nonaktif ->
berakhir. Every change goes through `transition()` so it is checked and recorded with who/when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core.formatting import format_date
from lindung.core.months import add_months_clamped, month_end, month_start
from lindung.workers.eligibility import enforce

from .models import (
    ContributionPayment,
    EndReason,
    FundingType,
    Membership,
    MembershipStatus,
    MembershipTransition,
)
from .tariffs import is_transport_sector, lapse_rule_on, load_tables, period_cost

S = MembershipStatus

# Which status may follow which. Going back one step (didata <- diverifikasi <- diajukan) is for
# corrections and BPJS rejections; berakhir is final (a returning worker gets a new membership).
ALLOWED: dict[str, tuple[str, ...]] = {
    S.DIDATA: (S.DIVERIFIKASI, S.BERAKHIR),
    S.DIVERIFIKASI: (S.DIAJUKAN, S.DIDATA, S.BERAKHIR),
    S.DIAJUKAN: (S.AKTIF, S.DIVERIFIKASI, S.BERAKHIR),
    S.AKTIF: (S.MENUNGGAK, S.NONAKTIF, S.BERAKHIR),
    S.MENUNGGAK: (S.AKTIF, S.NONAKTIF, S.BERAKHIR),
    S.NONAKTIF: (S.AKTIF, S.BERAKHIR),
    S.BERAKHIR: (),
}
OPEN_STATUSES = tuple(s for s in S.values if s != S.BERAKHIR)
# The first contribution is paid with the registration (a BPU member is protected from the
# paid month once BPJS registers them), so a village may record it before verification.
PAYABLE_STATUSES = (S.DIDATA, S.DIVERIFIKASI, S.DIAJUKAN, S.AKTIF, S.MENUNGGAK, S.NONAKTIF)


class TransitionError(ValidationError):
    """An illegal or incomplete status change; the message is shown to the user as is."""


def _label(status: str) -> str:
    return str(S(status).label)


def allowed_next(membership: Membership) -> list[str]:
    return list(ALLOWED[membership.status])


def _today() -> dt.date:
    return timezone.localdate()


def enrol(
    worker,
    *,
    by,
    declared_income: int,
    funding_type: str = FundingType.MANDIRI,
    with_jht: bool = False,
    payment_period_months: int = 1,
    kpj: str = "",
    bpjs_registered: bool | None = None,
    note: str = "",
    override_reason: str = "",
) -> Membership:
    """Record a worker for membership (status didata), if the dated eligibility rules for the
    funding source allow it or an authorised user overrides them with a reason."""
    if worker.deceased_date:
        raise ValidationError(_("Pekerja ini tercatat sudah meninggal; tidak dapat didaftarkan."))
    if declared_income is None or int(declared_income) <= 0:
        raise ValidationError(_("Penghasilan yang dilaporkan harus lebih dari Rp0."))
    if funding_type not in FundingType.values:
        raise ValidationError(_("Sumber dana tidak dikenal."))
    enforce(
        worker,
        funding_type,
        _today(),
        step="pendaftaran",
        by=by,
        override_reason=override_reason,
    )
    rule = lapse_rule_on(_today())
    if payment_period_months not in rule.payment_periods:
        raise ValidationError(
            _("Periode bayar harus salah satu dari: %(periods)s bulan.")
            % {"periods": ", ".join(str(p) for p in rule.payment_periods)}
        )
    with transaction.atomic():
        open_membership = (
            Membership.objects.select_for_update()
            .filter(worker=worker, status__in=OPEN_STATUSES)
            .first()
        )
        if open_membership is not None:
            raise ValidationError(
                _("Pekerja ini sudah memiliki kepesertaan yang masih berjalan (status %(s)s).")
                % {"s": open_membership.get_status_display()}
            )
        membership = Membership.objects.create(
            worker=worker,
            village_id=worker.village_id,
            declared_income=int(declared_income),
            funding_type=funding_type,
            with_jht=with_jht,
            payment_period_months=payment_period_months,
            kpj=kpj.strip(),
            bpjs_registered=bpjs_registered,
            status=S.DIDATA,
        )
        MembershipTransition.objects.create(
            membership=membership, from_status="", to_status=S.DIDATA, by=by, note=note[:255]
        )
    return membership


def transition(
    membership: Membership,
    to_status: str,
    *,
    by,
    note: str = "",
    end_reason: str = "",
    on: dt.date | None = None,
    kpj: str | None = None,
    override_reason: str = "",
    reported_by_bpjs: bool = False,
) -> Membership:
    """Move a membership to `to_status`, or raise TransitionError explaining why not.

    `reported_by_bpjs`: BPJS's own list says the member is active; the contribution was paid
    at BPJS, so activation does not wait for a payment recorded here.
    """
    on = on or _today()
    if to_status not in S.values:
        raise TransitionError(_("Status tujuan tidak dikenal."))
    with transaction.atomic():
        current = (
            Membership.objects.select_for_update().select_related("worker").get(pk=membership.pk)
        )
        allowed = ALLOWED[current.status]
        if to_status not in allowed:
            if allowed:
                choices = ", ".join(_label(s) for s in allowed)
                message = _(
                    "Status tidak dapat diubah dari «%(from)s» ke «%(to)s». "
                    "Langkah yang diizinkan: %(allowed)s."
                )
            else:
                choices = ""
                message = _(
                    "Status tidak dapat diubah dari «%(from)s» ke «%(to)s»: kepesertaan sudah "
                    "berakhir. Daftarkan kepesertaan baru bila pekerja bergabung kembali."
                )
            raise TransitionError(
                message
                % {"from": _label(current.status), "to": _label(to_status), "allowed": choices}
            )
        _apply_effects(
            current,
            to_status,
            end_reason=end_reason,
            on=on,
            kpj=kpj,
            by=by,
            override=override_reason,
            paid_at_bpjs=reported_by_bpjs,
        )
        from_status = current.status
        current.status = to_status
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        MembershipTransition.objects.create(
            membership=current,
            from_status=from_status,
            to_status=to_status,
            by=by,
            note=note[:255],
            end_reason=current.end_reason if to_status == S.BERAKHIR else "",
        )
    return current


def _apply_effects(
    m: Membership,
    to_status: str,
    *,
    end_reason: str,
    on: dt.date,
    kpj,
    by=None,
    override: str = "",
    paid_at_bpjs: bool = False,
) -> None:
    if kpj is not None and kpj.strip():
        m.kpj = kpj.strip()
    if to_status == S.BERAKHIR:
        if end_reason not in EndReason.values:
            raise TransitionError(
                _("Pilih alasan berakhir (meninggal, pindah, batas usia, mengundurkan diri, ...).")
            )
        m.end_reason = end_reason
        if end_reason == EndReason.TUNGGAKAN and m.paid_until:
            m.coverage_end = m.paid_until  # protection stopped when the paid period ran out
        elif end_reason == EndReason.MENINGGAL and m.worker.deceased_date:
            m.coverage_end = m.worker.deceased_date
        else:
            m.coverage_end = on
    elif end_reason:
        raise TransitionError(_("Alasan berakhir hanya diisi saat mengakhiri kepesertaan."))
    if to_status == S.AKTIF and m.status == S.DIAJUKAN:
        # First protection: the rules in force that day must (still) allow it. A member who
        # returns from menunggak/nonaktif keeps paying even past an age limit (BPJS practice).
        enforce(m.worker, m.funding_type, on, step="aktivasi", by=by, override_reason=override)
    if to_status == S.AKTIF and not paid_at_bpjs:
        if not m.paid_until:
            raise TransitionError(
                _("Catat pembayaran iuran pertama sebelum mengaktifkan kepesertaan.")
            )
        if m.paid_until < on:
            raise TransitionError(
                _("Iuran hanya dibayar sampai %(d)s; catat pembayaran berikutnya dahulu.")
                % {"d": format_date(m.paid_until)}
            )
    if to_status == S.AKTIF:
        if m.coverage_start is None:
            m.coverage_start = on
        m.coverage_end = None
        # BPJS confirmed the registration even if it did not share the KPJ number.
        m.bpjs_registered = True
    if to_status == S.NONAKTIF:
        m.coverage_end = on


# ---------------------------------------------------------------------------------------------
# Payments
# ---------------------------------------------------------------------------------------------


def next_period_start(m: Membership, paid_on: dt.date) -> dt.date:
    """First contribution month not yet paid: after paid_until, else the start month."""
    if m.paid_until:
        return month_start(m.paid_until + dt.timedelta(days=1))
    return month_start(m.coverage_start or paid_on)


def expected_amount(
    m: Membership, start: dt.date, months: int, tables=None, *, funding_type: str | None = None
) -> int:
    """Tariff price of `months` from `start`, for the source paying them (default: the
    membership's own)."""
    tables = tables or load_tables()
    sector_code = getattr(getattr(m.worker, "sector", None), "code", None)
    return period_cost(
        m.declared_income,
        start,
        months,
        with_jht=m.with_jht,
        funding_type=funding_type or m.funding_type,
        transport=is_transport_sector(sector_code, tables),
        tables=tables,
    )


def _check_period(months: int, paid_on: dt.date) -> None:
    rule = lapse_rule_on(paid_on)
    if months not in rule.payment_periods:
        raise ValidationError(
            _("Periode bayar harus salah satu dari: %(periods)s bulan.")
            % {"periods": ", ".join(str(p) for p in rule.payment_periods)}
        )


def record_payment(
    membership: Membership,
    *,
    months: int,
    paid_on: dt.date,
    by,
    amount: int | None = None,
    note: str = "",
) -> ContributionPayment:
    """Record `months` contribution months paid, continuing from the last paid month.

    Months a budget has committed to are priced once, by that commitment: the payment must
    cover the commitment's months for its cost, and it realises the budget (funding.realise).
    """
    # Funding depends on enrollment; imported here so the payment can see its commitment.
    from lindung.funding import services as funding

    if not isinstance(months, int) or months < 1 or months > 12:
        raise ValidationError(_("Jumlah bulan harus 1 sampai 12."))
    if amount is not None and amount < 0:
        raise ValidationError(_("Jumlah bayar tidak boleh negatif."))
    if paid_on > _today():
        raise ValidationError(_("Tanggal bayar tidak boleh di masa depan."))
    with transaction.atomic():
        m = (
            Membership.objects.select_for_update()
            .select_related("worker__sector")
            .get(pk=membership.pk)
        )
        if m.status not in PAYABLE_STATUSES:
            raise ValidationError(
                _("Iuran tidak dapat dicatat untuk kepesertaan berstatus «%(s)s».")
                % {"s": m.get_status_display()}
            )
        start = next_period_start(m, paid_on)
        if m.paid_until is None and (first := funding.first_open_commitment(m.pk)):
            start = first.start_month  # the first month paid is the first month funded
        end = month_end(add_months_clamped(start, months - 1))
        open_c = funding.first_open_commitment(m.pk)
        paying_type = (
            open_c.source.source_type if open_c and open_c.start_month == start else m.funding_type
        )
        expected = expected_amount(m, start, months, funding_type=paying_type)
        commitment = funding.commitment_for_payment(m, start, months, amount, expected)
        if commitment is None:
            _check_period(months, paid_on)
            paying_type = m.funding_type
        payment = ContributionPayment.objects.create(
            membership=m,
            period_start=start,
            period_end=end,
            months=months,
            amount=expected if amount is None else int(amount),
            expected_amount=expected,
            funding_type=paying_type,
            paid_on=paid_on,
            by=by,
            note=note[:255],
        )
        if commitment is not None:
            funding.realise(commitment, payment)
        Membership.objects.filter(pk=m.pk).update(paid_until=end, version=F("version") + 1)
        m.refresh_from_db()
    if m.status == S.MENUNGGAK and m.paid_until >= paid_on:
        transition(m, S.AKTIF, by=by, note=_("Tunggakan dibayar"), on=paid_on)
    membership.refresh_from_db()
    return payment


# ---------------------------------------------------------------------------------------------
# Lapse rule (docs/domain.md; LapseRule rows)
# ---------------------------------------------------------------------------------------------


@dataclass
class LapseResult:
    to_menunggak: int = 0
    to_berakhir: int = 0


def overdue_cutoff(today: dt.date, deadline_day: int) -> dt.date:
    """Memberships paid until before this date have missed a deadline by `today`.

    A month's contribution is due on the deadline day of that month itself (§1.3).
    """
    latest_due_month = month_start(today)
    if today.day <= deadline_day:
        latest_due_month = add_months_clamped(latest_due_month, -1)
    return month_end(latest_due_month)


def ending_cutoff(today: dt.date, max_unpaid_months: int) -> dt.date:
    """Paid until before this date means more than `max_unpaid_months` months are unpaid."""
    return add_months_clamped(month_start(today), -max_unpaid_months)


def apply_lapse_rules(today: dt.date | None = None, *, by=None) -> LapseResult:
    """Mark overdue memberships menunggak and end those unpaid for too long."""
    today = today or _today()
    rule = lapse_rule_on(today)
    result = LapseResult()
    citation = rule.regulation[:120]
    ending = Membership.objects.filter(
        status__in=(S.AKTIF, S.MENUNGGAK),
        paid_until__lt=ending_cutoff(today, rule.max_unpaid_months),
    )
    for m in ending.iterator():
        transition(
            m,
            S.BERAKHIR,
            by=by,
            end_reason=EndReason.TUNGGAKAN,
            on=today,
            note=_("Otomatis: menunggak lebih dari %(n)s bulan (%(rule)s)")
            % {"n": rule.max_unpaid_months, "rule": citation},
        )
        result.to_berakhir += 1
    overdue = Membership.objects.filter(
        status=S.AKTIF, paid_until__lt=overdue_cutoff(today, rule.payment_deadline_day)
    )
    for m in overdue.iterator():
        transition(
            m,
            S.MENUNGGAK,
            by=by,
            on=today,
            note=_("Otomatis: iuran lewat batas tanggal %(d)s") % {"d": rule.payment_deadline_day},
        )
        result.to_menunggak += 1
    return result


# ---------------------------------------------------------------------------------------------
# Deaths (receivers of workers.services.death_date_check / worker_deceased)
# ---------------------------------------------------------------------------------------------


def death_date_problems(worker, date: dt.date) -> list[str]:
    """A death before a membership's protection started is a typing error, not a claim."""
    started = (
        Membership.objects.filter(worker=worker, coverage_start__gt=date)
        .exclude(status=S.BERAKHIR)
        .order_by("coverage_start")
        .values_list("coverage_start", flat=True)
        .first()
    )
    if started is None:
        return []
    return [
        _(
            "Tanggal meninggal %(d)s sebelum kepesertaan dimulai (%(s)s). Periksa tanggal pada "
            "akta kematian."
        )
        % {"d": date.strftime("%d-%m-%Y"), "s": started.strftime("%d-%m-%Y")}
    ]


def end_memberships_on_death(worker, date: dt.date, by=None) -> list[Membership]:
    """End every open membership on the date of death (reason: meninggal). Protection runs up
    to and including that day, so the death itself is covered; from the next day the person
    is neither active nor counted in coverage."""
    ended = []
    for m in Membership.objects.filter(worker=worker, status__in=OPEN_STATUSES):
        ended.append(
            transition(
                m,
                S.BERAKHIR,
                by=by if getattr(by, "is_authenticated", False) else None,
                end_reason=EndReason.MENINGGAL,
                on=date,
                note=_("Meninggal dunia pada %(d)s") % {"d": date.strftime("%d-%m-%Y")},
            )
        )
    return ended
