"""Home figures, village worklist sections and the demo step contributed by funding."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.accounts.scoping import in_area, scoped
from lindung.core.formatting import format_date, format_number, format_rupiah


def home_cards(user, area) -> list[dict]:
    from lindung.accounts.scoping import area_q

    from . import services
    from .models import FundingSource

    year = dt.date.today().year
    sources = scoped(FundingSource.objects.filter(fiscal_year=year, is_active=True), user)
    if area is not None:
        sources = sources.filter(area_q("owner_area", area.code))
    if not sources.exists():
        return []
    totals = services.budget_totals(sources)
    return [
        {
            "label": _("Sisa anggaran iuran %(y)s") % {"y": year},
            "value": format_rupiah(totals["remaining"]),
            "url": reverse("funding:source_list") + f"?tahun={year}",
            "note": _("dari pagu %(a)s") % {"a": format_rupiah(totals["amount"])},
        }
    ]


def due_count(user, area, year: int) -> int:
    """renewal.due_for_renewal(...).count(), from the per-village tallies."""
    from lindung.tallies.entries import HORIZON
    from lindung.tallies.services import area_for, total

    return total(area_for(user, area), HORIZON, before=dt.date(year, 1, 1))


ROWS = 5  # sample rows of the renewal section


def worklist_sections(user, area) -> list[dict]:
    from lindung.enrollment.models import Membership
    from lindung.tallies.entries import EARLIEST, HORIZON
    from lindung.tallies.services import area_for, day_reaching

    from . import renewal

    year = dt.date.today().year + 1
    qs = scoped(Membership.objects.all(), user)
    if area is not None:
        qs = in_area(qs, area.code)
    count = due_count(user, area, year)
    if not count:
        return []
    due = renewal.due_for_renewal(qs, year).order_by(F("paid_until").asc(nulls_last=True), "pk")
    # values_list: without the last funding source due_for_renewal annotates each row with
    first = due.values_list("worker__name", "village_id", "paid_until")
    # The tallies give the day by which ROWS memberships of the area were last paid or
    # committed: when ROWS of them were paid up to that day, they are the first ROWS, read
    # without sorting every membership due (never-paid ones come last).
    cutoff = day_reaching(
        area_for(user, area), HORIZON, ROWS, after=EARLIEST, before=dt.date(year, 1, 1)
    )
    found = list(first.filter(paid_until__lte=cutoff)[:ROWS]) if cutoff else []
    if len(found) < ROWS:
        found = list(first[:ROWS])
    rows = [
        {
            "label": name,
            "url": reverse("funding:renewal_due") + f"?tahun={year}&desa={village}",
            "detail": _("dibayar sampai %(d)s") % {"d": format_date(paid_until)},
        }
        for name, village, paid_until in found
    ]
    return [
        {
            "key": "funding-renewal",
            "title": _("Perlu diperpanjang untuk tahun anggaran %(y)s") % {"y": year},
            "hint": _("Iuran berhenti sebelum 1 Januari %(y)s dan belum ada komitmen dana.")
            % {"y": year},
            "count": count,
            "rows": rows,
            "more_url": reverse("funding:renewal_due") + f"?tahun={year}",
        }
    ]


# ---------------------------------------------------------------------------------------------
# Demo
# ---------------------------------------------------------------------------------------------


def register_demo() -> None:
    try:
        from lindung.core.demo import registry
    except ImportError:  # the demo app is optional
        return
    registry.register("funding", demo_funding, order=60)


def demo_funding(rng: random.Random, context: dict) -> str:
    """Plausible budgets for the demo year (sizes follow §5.2/§5.3 practice, scaled to the demo
    population) and commitments of part of the demo members to them."""
    from django.db.models import prefetch_related_objects

    from lindung.enrollment.models import Membership
    from lindung.workers.models import Sector

    from . import scenarios, services
    from .models import FundingSource, Scenario

    today: dt.date = context.get("today") or dt.date.today()
    year = today.year
    regency = context.get("regency", "52.03")
    admin = (context.get("users") or {}).get("admin_kabupaten")
    created_qs = context.get("memberships")
    if created_qs is None:
        created_qs = Membership.objects.filter(pk__in=context.get("membership_ids") or [])
    members = list(
        created_qs.exclude(status__in=services.ENDED).select_related("worker__sector", "village")
    )
    if not members:
        return _("Pendanaan: tidak ada kepesertaan, sumber dana tidak dibuat")
    calc = services.CostCalculator()
    month = dt.date(year, 1, 1)
    # Price of a year of JKK+JKM at the minimum income, from the tariff tables.
    unit = calc.cost(1_000_000, month, 12, with_jht=False, funding_type="APBD", transport=False)
    tobacco_codes = ["petani-tembakau", "buruh-tani-tembakau"]
    tobacco = [m for m in members if m.worker.sector.code in tobacco_codes]
    created: list[FundingSource] = []

    dbh = FundingSource.objects.create(
        name=f"DBHCHT {year} – bantuan iuran petani tembakau",
        source_type="DBHCHT",
        wadah_code="SG",
        fiscal_year=year,
        start_month=month,
        months=12,
        owner_area_id=regency,
        amount=max(unit, int(len(tobacco) * 0.8) * unit),
        legal_basis="PMK 72/2024 (komponen kesejahteraan masyarakat); Perbup pelaksanaan",
        note=_("Data demo: diutamakan petani dan buruh tani tembakau (PMK 72/2024)."),
        created_by=admin,
    )
    dbh.eligible_sectors.set(Sector.objects.filter(code__in=tobacco_codes))
    created.append(dbh)
    apbd = FundingSource.objects.create(
        name=f"APBD {year} – bantuan iuran pekerja rentan",
        source_type="APBD",
        wadah_code="SG",
        fiscal_year=year,
        start_month=dt.date(year, 5, 1),
        months=8,  # budgets are often for fewer than 12 months (§5.3)
        owner_area_id=regency,
        amount=max(unit, int(len(members) * 0.25) * unit * 8 // 12),
        max_poverty_desil=4,
        legal_basis="Inpres 2/2021; SE Mendagri 842.2/5193/SJ; Perbup bantuan iuran",
        note=_("Data demo: 8 bulan (Mei–Desember), desil 1–4."),
        created_by=admin,
    )
    created.append(apbd)
    from lindung.areas.models import Area, AreaKind

    villages = sorted({m.village_id for m in members})
    kelurahan = set(
        Area.objects.filter(code__in=villages, kind=AreaKind.KELURAHAN).values_list(
            "code", flat=True
        )
    )
    if kelurahan:
        # A kelurahan has no Dana Desa (UU 6/2014): the regency funds it (dana kelurahan).
        residents = sum(1 for m in members if m.village_id in kelurahan)
        dana_kelurahan = FundingSource.objects.create(
            name=f"APBD {year} – dana kelurahan",
            source_type="APBD",
            wadah_code="SG",
            fiscal_year=year,
            start_month=dt.date(year, 1, 1),
            months=12,
            owner_area_id=regency,
            amount=max(unit, int(residents * 0.3) * unit),
            legal_basis="APBD kabupaten (dana kelurahan); Inpres 2/2021",
            note=_("Data demo: iuran warga kelurahan, yang tidak menerima Dana Desa."),
            created_by=admin,
        )
        dana_kelurahan.eligible_areas.set(sorted(kelurahan))
        created.append(dana_kelurahan)
    villages = [v for v in villages if v not in kelurahan]
    rng.shuffle(villages)
    for code in villages[: max(1, len(villages) // 2)]:
        residents = sum(1 for m in members if m.village_id == code)
        months = rng.choice([6, 12])
        created.append(
            FundingSource.objects.create(
                name=f"Dana Desa {year}",
                source_type="DANA_DESA",
                wadah_code="SD",
                fiscal_year=year,
                start_month=dt.date(year, 13 - months, 1),
                months=months,
                owner_area_id=code,
                amount=max(unit, int(residents * rng.uniform(0.2, 0.5)) * unit * months // 12),
                legal_basis="APBDes; SE Bupati Lombok Timur 400.10.2.4/112/PMD/2026",
                note=_("Data demo. Status hukum Dana Desa untuk warga biasa diperdebatkan."),
                created_by=admin,
            )
        )
    # Commit part of each budget (about 60%) in priority order, leaving room for scenarios.
    policy = services.active_policy()
    committed = 0
    by_village: dict[str, list] = {}
    for m in members:
        by_village.setdefault(m.village_id, []).append(m)
    funded: set[int] = set()  # one source per member in the demo, so periods never overlap
    prefetch_related_objects(created, "eligible_areas", "eligible_sectors")
    from lindung.workers.eligibility import rule_for

    for src in created:
        # A village budget can only fund its own residents; checking the rest is wasted work.
        candidates = by_village.get(src.owner_area_id, []) if src.owner_area.level == 4 else members
        rule = rule_for(src.source_type, src.start_month)
        pool = [
            m
            for m in candidates
            if m.pk not in funded and not services.eligibility_problems(m, src, rule)
        ]
        pool.sort(
            key=lambda m: (
                -services.weight_of(
                    policy, m.worker.sector.code, m.worker.sector.priority, m.worker.poverty_desil
                )
            )
        )
        chosen, total = [], 0
        for m in pool:
            cost = calc.for_membership(m, src, src.start_month, src.months)
            if total + cost > src.amount * 0.6:
                break
            chosen.append(m)
            funded.add(m.pk)
            total += cost
        if chosen:
            committed += len(services.commit_many(chosen, src, by=admin, calc=calc))
    if admin is not None:
        for name, cuts in ((_("Dasar"), {}), (_("APBD dipotong 20%"), {"APBD": "20"})):
            sc = Scenario.objects.create(
                name=f"{name} {year}",
                fiscal_year=year,
                area_id=regency,
                cut_percent=Decimal(0),
                type_cuts=cuts,
                weight_policy=policy,
                created_by=admin,
            )
            scenarios.run(sc.pk)
    return _("%(s)s sumber dana %(y)s, %(c)s komitmen (%(n)s peserta tembakau)") % {
        "s": format_number(len(created)),
        "y": year,
        "c": format_number(committed),
        "n": format_number(len(tobacco)),
    }
