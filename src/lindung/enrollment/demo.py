"""Demo step: the contribution payments behind each demo membership's "dibayar sampai".

Runs after the funding step, so months a budget committed to are paid as one payment priced
by the commitment, which realises that budget, exactly as `services.record_payment` does.
Other months are paid in the membership's payment period. Only the last 12 paid months are
generated (older ones would add rows without changing what a page shows).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Sum
from django.utils import timezone

from lindung.core.months import add_months_clamped, month_end, month_start, months_apart

HISTORY_MONTHS = 12
NOTE = "Data demo"
ID_SLICE = 10_000


def demo_payments(rng: random.Random, context: dict) -> str:
    from lindung.core.formatting import format_number
    from lindung.funding.models import Commitment, CommitmentStatus, FundingSource
    from lindung.funding.services import CostCalculator

    from .models import PRE_ACTIVE, ContributionPayment, Membership, MembershipStatus

    today: dt.date = context.get("today") or timezone.localdate()
    qs = context.get("memberships")
    if qs is None:
        qs = Membership.objects.filter(pk__in=context.get("membership_ids") or [])
    members = list(
        qs.exclude(status__in=PRE_ACTIVE)
        .filter(paid_until__isnull=False, coverage_start__isnull=False)
        .select_related("worker__sector")
    )
    open_commitments: dict[int, list] = defaultdict(list)
    ids = [m.pk for m in members]
    # In slices: one list of 880,000 ids is more parameters than SQLite or PostgreSQL take.
    for at in range(0, len(ids), ID_SLICE):
        for c in (
            Commitment.objects.filter(
                membership_id__in=ids[at : at + ID_SLICE], status=CommitmentStatus.DIALOKASIKAN
            )
            .select_related("source")
            .order_by("start_month")
        ):
            open_commitments[c.membership_id].append(c)
    calc = CostCalculator()
    payments: list[ContributionPayment] = []
    realised: list[tuple[Commitment, int]] = []  # commitment, index of its payment
    new_paid_until: dict[int, dt.date] = {}
    for m in members:
        transport = calc.is_transport(m.worker.sector.code)
        commitments = open_commitments.get(m.pk, [])
        paid_until = m.paid_until
        # A budget pays its whole period in advance: an active member's started commitment
        # is paid, so paid_until reaches its end.
        for c in commitments:
            if m.status == MembershipStatus.AKTIF and c.start_month <= today:
                paid_until = max(paid_until, month_end(c.end_month))
        cursor = max(
            month_start(m.coverage_start), add_months_clamped(month_start(paid_until), -11)
        )
        # Payments must not start inside a commitment: begin at its first month.
        for c in commitments:
            if c.start_month < cursor <= c.end_month:
                cursor = c.start_month
        starts = {c.start_month: c for c in commitments}
        while cursor <= paid_until:
            c = starts.get(cursor)
            if c is not None:
                if month_end(c.end_month) > paid_until or m.status != MembershipStatus.AKTIF:
                    paid_until = cursor - dt.timedelta(days=1)  # the budget has not paid yet
                    break
                realised.append((c, len(payments)))
                payments.append(
                    ContributionPayment(
                        membership=m, period_start=cursor, period_end=month_end(c.end_month),
                        months=c.months, amount=c.cost, expected_amount=c.cost,
                        funding_type=c.source.source_type,
                        paid_on=min(today, cursor + dt.timedelta(days=rng.randint(0, 14))),
                        note=NOTE,
                    )
                )  # fmt: skip
                cursor = add_months_clamped(c.end_month, 1)
                continue
            months = min(m.payment_period_months or 1, months_apart(cursor, paid_until) + 1)
            following = [s for s in starts if s > cursor]
            if following:
                months = min(months, months_apart(cursor, min(following)))
            months = max(1, months)
            cost = calc.cost(
                m.declared_income, cursor, months, with_jht=m.with_jht,
                funding_type=m.funding_type, transport=transport,
            )  # fmt: skip
            end = month_end(add_months_clamped(cursor, months - 1))
            payments.append(
                ContributionPayment(
                    membership=m, period_start=cursor, period_end=end, months=months,
                    amount=cost, expected_amount=cost, funding_type=m.funding_type,
                    paid_on=min(today, cursor + dt.timedelta(days=rng.randint(0, 14))),
                    note=NOTE,
                )
            )  # fmt: skip
            cursor = add_months_clamped(cursor, months)
        if paid_until != m.paid_until:
            new_paid_until[m.pk] = paid_until
    created = ContributionPayment.objects.bulk_create(payments, batch_size=2000)
    now = timezone.now()
    for c, index in realised:
        c.status = CommitmentStatus.DIBAYAR
        c.payment = created[index]
        c.status_changed_at = now
    Commitment.objects.bulk_update(
        [c for c, _ in realised], ["status", "payment", "status_changed_at"], batch_size=2000
    )
    for pk, paid_until in new_paid_until.items():
        Membership.objects.filter(pk=pk).update(paid_until=paid_until)
    touched = {c.source_id for c, _ in realised}
    for src in FundingSource.objects.filter(pk__in=touched):
        spent = src.commitments.filter(status=CommitmentStatus.DIBAYAR).aggregate(s=Sum("cost"))
        src.spent = spent["s"] or 0
        src.save(update_fields=["spent", "updated_at"])
    paid, done = format_number(len(created)), format_number(len(realised))
    return f"{paid} pembayaran iuran, {done} komitmen terealisasi"
